"""End to end: the real action server and Rasa server, asked over REST like a website would.

The Rasa server runs with its HTTP API on (token-protected) only so that the test can
read the conversation's tracker and prove that bad input never loses a conversation.
"""

import asyncio

import aiohttp
import pytest

from actions.wiring import CONTENT, READING, ROUTE_CONTENT
from advisor.message_checks import COMMAND_REPLY, EMPTY_REPLY
from advisor.render import IPEM_LABEL
from tests.e2e.servers import conversation, texts, topic_openings


# The assistant's flagship question, asked two ways: answered at once, not met with "Did you mean".
@pytest.mark.parametrize(
    "question", ["Can I skip Part C if I have a PhD?", "I have a PhD in MRI physics, am I exempt from Section C?"]
)
def test_skip_part_c_with_a_phd_gets_the_sourced_exemption_answer(assistant, question):
    reply = texts(assistant.ask(conversation(), question))
    assert reply.startswith(topic_openings("ask_part_c_exemption"))
    assert "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/" in reply
    assert f"IPEM recommendation 5 ({IPEM_LABEL})" in reply


@pytest.mark.parametrize(
    "question, intent",
    [
        # Its answer (structure.length) is under the programme-structure topic.
        ("How long does HSST take?", "ask_programme_structure"),
        ("Can I do HSST part time?", "ask_part_time"),
        ("What is HSSE?", "ask_hsse"),
        # Answered by hsst.job_guarantee ("no guarantee that a post will exist"): the register answers say
        # nothing on a guarantee.
        ("Will being on the HSS register guarantee me a consultant post?", "ask_what_is_hsst"),
        ("Does finishing HSST make me a Medical Physics Expert?", "ask_mpe"),
        ("Who pays the university fees for the doctorate?", "ask_pay_and_funding"),
        ("I'm not registered yet, how do I become a clinical scientist?", "ask_stp_route"),
        ("I'd like to speak to a real person at the National School", "request_human"),
    ],
)
def test_questions_get_their_answer_with_sources(assistant, question, intent):
    reply = texts(assistant.ask(conversation(), question))
    opening = next((opening for opening in topic_openings(intent) if reply.startswith(opening)), None)
    assert opening is not None, reply[:300]
    sources = next(
        a.sources
        for a in [*CONTENT.answers.values(), *CONTENT.questions.values()]
        if getattr(a, "text", None) == opening or getattr(a, "answer", None) == opening
    )
    assert all(f"[{source.title}]({source.url})" in reply for source in sources)


def test_greeting_then_unrelated_question_then_topics(assistant):
    sender = conversation()
    assert "HSST" in texts(assistant.ask(sender, "hello"))
    assert "outside what I can help with" in texts(assistant.ask(sender, "What's the weather in Leeds tomorrow?"))
    topics = assistant.ask(sender, "what can you do?")
    assert [b["payload"] for b in topics[0]["buttons"]] == [f"/{intent}" for intent in CONTENT.answers]


def test_a_button_payload_answers_like_the_question(assistant):
    reply = texts(assistant.ask(conversation(), "/ask_hsse"))
    assert reply.startswith(topic_openings("ask_hsse"))


@pytest.mark.parametrize("gibberish", ["zxqv blorf wibble", "asdfgh", "?????", "the of and to"])
def test_gibberish_gets_no_answer_only_the_topics_or_a_pointer_to_them(assistant, gibberish):
    replies = assistant.ask(conversation(), gibberish)
    reply = texts(replies)
    assert "Sources:" not in reply
    safe = {CONTENT.interface["fallback_intro"], CONTENT.interface["lost_track_intro"]}
    if replies[0]["text"] in safe:
        assert len(replies[0]["buttons"]) == len(CONTENT.answers)
    else:
        assert "outside what I can help with" in reply and '"help"' in reply


@pytest.mark.parametrize(
    "raw_body",
    [b"{not json", b"[1, 2, 3]", b'"just a string"', b"", b'{"message": "hi"}', b'{"sender": "", "message": "hi"}',
     b'{"sender": 12, "message": "hi"}', b'{"sender": "ok-sender", "message": 42}', b'{"sender": "ok-sender"}',
     b'{"sender": "has spaces", "message": "hi"}'],
)  # fmt: skip
def test_malformed_requests_get_a_clear_400(assistant, raw_body):
    reply = assistant.post_raw(raw_body)
    assert reply.status_code == 400
    assert reply.json()["error"]


def test_bad_messages_get_sensible_replies_and_the_conversation_carries_on(assistant):
    sender = conversation()
    first = texts(assistant.ask(sender, "What is HSSE?"))
    assert first.startswith(topic_openings("ask_hsse"))

    assert texts(assistant.ask(sender, "")) == EMPTY_REPLY
    assert texts(assistant.ask(sender, "   \n\t ")) == EMPTY_REPLY
    assert "too long" in texts(assistant.ask(sender, "HSST " * 4000))
    assert texts(assistant.ask(sender, "/restart")) == COMMAND_REPLY
    assert texts(assistant.ask(sender, '/session_start{"x": 1}')) == COMMAND_REPLY
    for odd in ["🙂🙂🙂", "什么是高级专科科学家培训？", "Привет", "/", '/ask_hsse{"broken', "\x00\x01\x02", "\ud800"]:
        replies = assistant.ask(sender, odd)
        assert replies and all(r.get("text") or r.get("buttons") for r in replies), odd

    after = texts(assistant.ask(sender, "Can I do HSST part time?"))
    assert after.startswith(topic_openings("ask_part_time"))
    events = assistant.tracker_events(sender)
    user_texts = [event.get("text") for event in events if event["event"] == "user"]
    assert user_texts[0] == "What is HSSE?"
    assert user_texts[-1] == "Can I do HSST part time?"
    assert not [event for event in events if event["event"] == "restart"]


def slots_of(assistant, sender: str) -> dict:
    slots = {}
    for event in assistant.tracker_events(sender):
        if event["event"] == "slot":
            slots[event["name"]] = event["value"]
    return slots


def test_mri_physicist_with_a_2019_phd_walks_through_to_imaging_track_and_section_c_advice(assistant):
    sender = conversation()
    first = assistant.ask(sender, "I'm an MRI physicist with a PhD from 2019, which route suits me?")
    # It used what was said: the first question is about registration, not specialism or PhD.
    assert "are you registered" in texts(first)
    assert [b["title"] for b in first[-1]["buttons"]][0] == "HCPC clinical scientist"
    assert "HSST" in texts(assistant.ask(sender, '/inform{"registration": "clinical_scientist"}'))
    assert "Where do you work" in texts(assistant.ask(sender, "I want training"))
    assert "NHS" in texts(assistant.ask(sender, '/inform{"nation": "england"}'))
    assert "nominate" in texts(assistant.ask(sender, "yes"))
    assert "relevant" in texts(assistant.ask(sender, "yes they would"))
    # A 2019 PhD reaches 10 years within the starts the advisor counts, so it asks when.
    assert "expect to start" in texts(assistant.ask(sender, "yes, it's in MR physics"))
    assert "full-time week" in texts(assistant.ask(sender, "2028"))
    advice = texts(assistant.ask(sender, "full time"))
    assert "HSST, in-service route" in advice
    assert "Track: IPEM recommends the Imaging track for MRI staff" in advice
    assert IPEM_LABEL in advice
    assert "Section C (Part C): exemption from the research project is likely" in advice
    for condition in ("within the first 3 months", "innovation project", "lay presentation", "Postgraduate Diploma"):
        assert condition in advice
    assert "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/" in advice
    assert "contact the National School of Healthcare Science" in advice
    assert slots_of(assistant, sender)["phd_year"] == 2019


def test_an_inform_command_with_a_bad_year_is_asked_again_and_never_stored(assistant):
    sender = conversation()
    assistant.ask(sender, "which route suits me")
    for answer in ('/inform{"registration": "clinical_scientist"}', "radiotherapy", "training", "England", "no", "yes"):
        assistant.ask(sender, answer)
    reply = texts(assistant.ask(sender, '/inform{"phd_year": "1850"}'))
    assert "too early" in reply and "Which year was your PhD awarded?" in reply
    assert slots_of(assistant, sender)["phd_year"] is None
    # A second miss is taken as not sure: the year is never stored and never asked a third time.
    moved_on = texts(assistant.ask(sender, "2035"))
    assert READING.texts["taken_as_unsure"] in moved_on and "relevant" in moved_on
    assert slots_of(assistant, sender)["phd_year"] is None


def test_a_question_mid_way_is_answered_then_the_check_carries_on_and_stop_clears_it(assistant):
    sender = conversation()
    assistant.ask(sender, "can you check which route fits me")
    assistant.ask(sender, "I'm a registered clinical scientist")
    mid = texts(assistant.ask(sender, "How long does HSST take?"))
    # Its answer (structure.length) is under the programme-structure topic.
    assert any(opening.split("\n")[0] in mid for opening in topic_openings("ask_programme_structure"))
    assert mid.rstrip().endswith(ROUTE_CONTENT.questions["specialism"].text)
    stopped = texts(assistant.ask(sender, "stop"))
    assert "stopped the route check" in stopped
    assert slots_of(assistant, sender)["registration"] is None


def test_correcting_an_answer_after_the_advice_gives_new_advice(assistant):
    sender = conversation()
    answers = ["which route suits me", '/inform{"registration": "clinical_scientist"}', '/inform{"specialism": "MRI"}',
               '/inform{"goal": "training"}', '/inform{"nation": "england"}', '/inform{"nhs_employed": "yes"}',
               '/inform{"employer_nomination": "yes"}',
               '/inform{"has_phd": "no"}']  # fmt: skip
    for answer in answers:
        assistant.ask(sender, answer)
    assert "HSST, in-service route" in texts(assistant.ask(sender, '/inform{"wte": "1"}'))
    corrected = texts(assistant.ask(sender, "actually my employer wouldn't nominate me"))
    assert "HSST, direct-entry route (your employer would not nominate you)" in corrected
    assert "HSST, in-service route\n" not in corrected


def test_the_check_started_from_an_faq_answer_uses_what_was_said_before(assistant):
    sender = conversation()
    faq = assistant.ask(sender, "I'm an MRI physicist with a PhD from 2019. Can I skip Part C?")
    # The answer offers the route check (after "More on <topic>", the question-level answers' first button).
    assert {"title": "Check which route fits me", "payload": "/ask_route_advice"} in faq[-1]["buttons"]
    answers = ("/ask_route_advice", "I'm a registered clinical scientist", "training", "England", "yes", "yes")
    asked = [texts(assistant.ask(sender, message)) for message in answers]
    assert "Which specialism" not in " ".join(asked) and "Which year" not in " ".join(asked)
    assert "relevant" in asked[-1]
    assert slots_of(assistant, sender) | {"specialism": "MRI", "phd_year": 2019} == slots_of(assistant, sender)


def test_an_answer_given_outside_the_check_starts_it_with_that_answer(assistant):
    sender = conversation()
    assert "Which specialism" in texts(assistant.ask(sender, "I'm a registered clinical scientist"))
    assert slots_of(assistant, sender)["registration"] == "clinical_scientist"


def test_one_megabyte_bodies_get_a_413_and_long_messages_the_please_shorten_reply(assistant):
    sender = conversation()
    assert texts(assistant.ask(sender, "What is HSSE?")).startswith(topic_openings("ask_hsse"))
    assert assistant.post_raw(b"x" * 1_000_000).status_code == 413
    assert assistant.post({"sender": "s" * 1_000_000, "message": "hi"}).status_code == 413
    assert assistant.post({"sender": sender, "message": "HSST " * 200_000}).status_code == 413
    assert "too long" in texts(assistant.ask(sender, "HSST " * 10_000))
    assert texts(assistant.ask(sender, "Can I do HSST part time?")).startswith(topic_openings("ask_part_time"))
    user_texts = [event["text"] for event in assistant.tracker_events(sender) if event["event"] == "user"]
    assert user_texts == ["What is HSSE?", "Can I do HSST part time?"]


def test_500_distinct_senders_at_once_each_get_their_own_answer(assistant):
    questions = [("What is HSSE?", "ask_hsse"), ("Can I do HSST part time?", "ask_part_time")]
    ongoing = conversation()
    assistant.ask(ongoing, "What is HSST?")

    async def ask(session: aiohttp.ClientSession, number: int) -> tuple[str, str]:
        sender, (question, intent) = f"burst-{number}-{conversation()}", questions[number % 2]
        async with session.post(
            f"{assistant.base}/webhooks/rest/webhook", json={"sender": sender, "message": question}
        ) as reply:
            assert reply.status == 200
            assert texts(await reply.json()).startswith(topic_openings(intent)), number
        return sender, question

    async def all_at_once() -> list[tuple[str, str]]:
        # No connection limit: all 500 requests are sent at the same moment.
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300)) as session:
            return await asyncio.gather(*(ask(session, number) for number in range(500)))

    asked = asyncio.run(all_at_once())
    for sender, question in asked[::25]:
        assert [e["text"] for e in assistant.tracker_events(sender) if e["event"] == "user"] == [question]
    assert texts(assistant.ask(ongoing, "What is HSSE?")).startswith(topic_openings("ask_hsse"))
    assert [e["text"] for e in assistant.tracker_events(ongoing) if e["event"] == "user"] == [
        "What is HSST?",
        "What is HSSE?",
    ]
