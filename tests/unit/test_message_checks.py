"""The input checks every channel applies before Rasa sees a message (advisor/message_checks.py)."""

import json
import random

import pytest

from advisor.message_checks import (
    COMMAND_REPLY,
    EMPTY_REPLY,
    Commands,
    MessageChecks,
    cleaned,
    sender_problem,
    too_long_reply,
    user_intents,
)
from tests.conftest import ROOT, read_yaml

ALLOWED = user_intents(ROOT / "domain.yml")
# Phrases only: tests/unit/test_distress.py covers the sentence-vector check.
CHECKS = MessageChecks.from_settings()
QUESTIONS = read_yaml("content/route_questions.yml")


def check(text):
    return CHECKS.check(text)


def test_only_the_assistants_own_intents_may_be_named_in_commands():
    assert "ask_part_c_exemption" in ALLOWED
    assert "greet" in ALLOWED
    assert not {"restart", "session_start", "back", "nlu_fallback"} & ALLOWED


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\t", None, 42, "\x00\x07", "\u200b", "\u200b\u200c\ufeff \u2060", "\u202e"]
)
def test_empty_non_text_or_invisible_only_messages_get_a_prompt(text):
    assert check(text).reply == EMPTY_REPLY


def test_long_messages_get_a_please_shorten_reply_before_any_other_work():
    verdict = check("a" * 2001)
    assert verdict.reply == too_long_reply(2000)
    assert "2000 characters" in verdict.reply
    assert check("a" * 2000).text == "a" * 2000
    # Counted as sent: 2,001 control characters are too long, not empty.
    assert check("\x00" * 2001).reply == too_long_reply(2000)


@pytest.mark.parametrize("text", ["\ud800", "What is HSSE?\udfff", "\udc00\ud83dWhat is HSSE?"])
def test_lone_surrogates_are_removed_before_the_nlu(text):
    verdict = check(text)
    assert verdict.reply == EMPTY_REPLY or verdict.text == "What is HSSE?"
    assert not any(0xD800 <= ord(character) <= 0xDFFF for character in (verdict.text or ""))


def test_emoji_joiners_stay_and_direction_overrides_go():
    assert cleaned("family 👩\u200d👩\u200d👧 ok") == "family 👩\u200d👩\u200d👧 ok"
    assert cleaned("abc\u202edef\u200b") == "abcdef"


LONG_ANSWER = '/inform{"phd_year": "' + "x" * 50 + '"}'
# The bypasses a probe found ("/ restart" ran Rasa's restart), and their kin.
BYPASSES = ["/restart", "/ restart", "/\trestart", " /restart ", "/RESTART", "/Restart", "/  session_start", "/ back",
            "/ nlu_fallback", "/session_start", "/back", '/restart{"a": 1}', "/restart@1.0", "/nlu_fallback",
            "/anything_else@1.0", "/greet@0.9", '/ask_part_c_exemption{"qualification": "PhD"}', "/ask_hsse@1",
            "/ASK_HSSE", "/ ask_hsse", "/ask_hsse{}", "/inform", '/inform{"registration": "<script>alert(1)</script>"}',
            '/inform{"registration": "clinical_scientist", "goal": "training"}', LONG_ANSWER,
            '/inform{"phd_year": true}', '/inform{"requested_slot": "x"}', '/inform{"registration": ["a"]}',
            "/inform{broken",
            "\u200b/restart", "/restart\u200b", "/ not a command", "//restart", "/"]  # fmt: skip


@pytest.mark.parametrize("text", BYPASSES)
def test_commands_that_are_not_our_button_payloads_are_refused(text):
    assert check(text).reply == COMMAND_REPLY


def our_button_payloads():
    payloads = [f"/{intent}" for intent in ALLOWED if intent != "inform"]
    for slot, question in QUESTIONS.items():
        payloads += ["/inform" + json.dumps({slot: button["value"]}) for button in question.get("buttons", [])]
    return payloads


@pytest.mark.parametrize("payload", our_button_payloads())
def test_our_button_payloads_pass(payload):
    assert check(payload).text == payload


@pytest.mark.parametrize(
    "payload",
    ['/inform{"phd_year": "2019"}', '/inform{"phd_year": "2016-11-26"}', '/inform{"specialism": "audiology"}',
     '/inform{"wte": "0.59"}', '/inform{"phd_year": 2019}',
     '/inform{"wte": 0.6}', "  /ask_hsse  "],
)  # fmt: skip
def test_answers_of_an_answers_shape_pass_for_the_route_check_to_read(payload):
    assert check(payload).text == payload.strip()


def test_fuzzed_variants_of_built_in_commands_never_pass():
    """Random whitespace, case, suffixes and invisible characters around Rasa's built-in intents."""
    rng = random.Random(13)
    built_ins = ["restart", "session_start", "back", "nlu_fallback", "action_restart", "out_of_scope_x"]
    pads = ["", " ", "\t", "\n", "\u00a0", "\u2003", "\u200b", "\ufeff", "\x00"]
    suffixes = ["", "@1", "@0.5", "{}", '{"a": 1}', '{"registration": "clinical_scientist"}', " now", "/"]
    for _ in range(2000):
        name = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in rng.choice(built_ins))
        text = rng.choice(pads) + "/" + rng.choice(pads) + name + rng.choice(suffixes) + rng.choice(pads)
        verdict = check(text)
        assert verdict.text is None or not verdict.text.lstrip().startswith("/"), repr(text)


def test_commands_from_files_reads_button_values():
    commands = Commands.from_files(ROOT / "domain.yml", ROOT / "content/route_questions.yml")
    assert "clinical_scientist" in commands.answers["registration"]
    assert commands.answers["phd_year"] == frozenset()


def test_a_did_you_mean_button_passes_only_with_an_answer_of_its_own_topic():
    commands = Commands.from_files(
        ROOT / "domain.yml", ROOT / "content/route_questions.yml", ROOT / "content/questions"
    )
    assert commands.allows('/ask_hsse{"answer_id": "hsse.what_is"}')
    for refused in [
        '/ask_hssr{"answer_id": "hsse.what_is"}',  # another topic's answer
        '/ask_hsse{"answer_id": "hsse.nonexistent"}',
        '/ask_hsse{"answer_id": "hsse.what_is", "phd_year": "1850"}',
        '/ask_hsse{"answer_id": ["hsse.what_is"]}',
        '/restart{"answer_id": "hsse.what_is"}',
        '/ask_hsse{"answer_id": "hsse.what_is"',
    ]:
        assert not commands.allows(refused), refused


@pytest.mark.parametrize(
    "text, passed_on",
    [
        ("  Can I skip Part C?  ", "Can I skip Part C?"),
        ("part\x00 time\x1b hsst", "part time hsst"),
        ("HSST 🙂 ok?", "HSST 🙂 ok?"),
        ("高级专科科学家培训", "高级专科科学家培训"),
        ("what is\u200b HSSE", "what is HSSE"),
    ],
)
def test_ordinary_text_is_cleaned_and_passed_on(text, passed_on):
    assert check(text).text == passed_on


def test_personal_details_are_replaced_and_the_note_says_so_once():
    verdict = check("I'm jo@example.org, 07700 900123, also jo2@example.org")
    assert verdict.text == "I'm [e-mail address], [phone number], also [e-mail address]"
    assert verdict.note.count("e-mail address") == 1 and "phone number" in verdict.note
    assert check("What is HSSE?").note is None


def test_a_crisis_is_answered_before_the_command_check():
    verdict = check("/restart I want to kill myself")
    assert verdict.reply == CHECKS.crisis_reply and verdict.refused == "crisis signposting"


@pytest.mark.parametrize("sender", [None, "", 5, "a" * 129, "has space", "semi;colon", {"id": 1}, "user-1\n", "a\nb"])
def test_unusable_senders_are_named(sender):
    assert sender_problem(sender)


@pytest.mark.parametrize("sender", ["user-1", "slack:T123.U456", "a" * 128, "x@example.org"])
def test_usable_senders_pass(sender):
    assert sender_problem(sender) is None


@pytest.mark.parametrize(
    "payload",
    [
        '/feedback{"answer_id": "hsse.what_is", "helpful": true}',
        '/feedback{"answer_id": "route_advice", "helpful": false}',
        '/feedback{"answer_id": "ask_hsse", "helpful": false}',
        '/feedback{"answer_id": "no.such.answer", "helpful": true}',
    ],
)
def test_a_feedback_button_passes_with_an_answer_id_and_true_or_false(payload):
    # An id content does not have passes here: the action says it cannot match it (an old button).
    assert check(payload).text == payload


@pytest.mark.parametrize(
    "payload",
    [
        '/feedback{"answer_id": 3, "helpful": true}',
        '/feedback{"answer_id": "hsse.what_is", "helpful": "yes"}',
        '/feedback{"answer_id": "hsse.what_is", "helpful": 1}',
        '/feedback{"answer_id": "hsse.what_is"}',
        '/feedback{"answer_id": "x", "helpful": true, "registration": "no"}',
        '/feedback{"answer_id": "A B", "helpful": true}',
        '/feedback{"answer_id": "hsse.what_is", "helpful": true',
        "/feedback[]",
        '/feedback{"answer_id": "' + "a" * 81 + '", "helpful": true}',
    ],
)
def test_a_feedback_payload_of_the_wrong_shape_or_types_is_refused_with_a_clear_reply(payload):
    assert check(payload).reply == COMMAND_REPLY
