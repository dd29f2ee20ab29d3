"""The input checks every channel applies before Rasa sees a message."""

import pytest

from advisor.message_checks import (
    COMMAND_REPLY,
    EMPTY_REPLY,
    check_message,
    sender_problem,
    too_long_reply,
    user_intents,
)
from tests.conftest import ROOT

ALLOWED = user_intents(ROOT / "domain.yml")


def test_only_the_assistants_own_intents_may_be_named_in_commands():
    assert "ask_part_c_exemption" in ALLOWED
    assert "greet" in ALLOWED
    assert not {"restart", "session_start", "back", "nlu_fallback"} & ALLOWED


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None, 42, "\x00\x07"])
def test_empty_or_non_text_messages_get_a_prompt(text):
    assert check_message(text, ALLOWED, 2000).reply == EMPTY_REPLY


def test_long_messages_get_a_please_shorten_reply():
    verdict = check_message("a" * 2001, ALLOWED, 2000)
    assert verdict.reply == too_long_reply(2000)
    assert "2000 characters" in verdict.reply
    assert check_message("a" * 2000, ALLOWED, 2000).text == "a" * 2000


@pytest.mark.parametrize(
    "text", ["/restart", "/session_start", "/back", '/restart{"a": 1}', "/nlu_fallback", "/anything_else@1.0"]
)
def test_commands_naming_other_intents_are_refused(text):
    assert check_message(text, ALLOWED, 2000).reply == COMMAND_REPLY


@pytest.mark.parametrize("text", ["/ask_hsse", '/ask_part_c_exemption{"qualification": "PhD"}', "/greet@0.9"])
def test_commands_naming_the_assistants_intents_pass(text):
    assert check_message(text, ALLOWED, 2000).text == text


@pytest.mark.parametrize(
    "text, passed_on",
    [
        ("  Can I skip Part C?  ", "Can I skip Part C?"),
        ("part\x00 time\x1b hsst", "part time hsst"),
        ("HSST 🙂 ok?", "HSST 🙂 ok?"),
        ("高级专科科学家培训", "高级专科科学家培训"),
        ("/ not a command", "/ not a command"),
    ],
)
def test_ordinary_text_is_cleaned_and_passed_on(text, passed_on):
    assert check_message(text, ALLOWED, 2000).text == passed_on


@pytest.mark.parametrize("sender", [None, "", 5, "a" * 129, "has space", "semi;colon", {"id": 1}])
def test_unusable_senders_are_named(sender):
    assert sender_problem(sender)


@pytest.mark.parametrize("sender", ["user-1", "slack:T123.U456", "a" * 128, "x@example.org"])
def test_usable_senders_pass(sender):
    assert sender_problem(sender) is None
