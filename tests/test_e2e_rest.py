"""End to end: the real action server and Rasa server, asked over REST like a website would.

The Rasa server runs with its HTTP API on (token-protected) only so that the test can
read the conversation's tracker and prove that bad input never loses a conversation.
"""

import asyncio

import aiohttp
import pytest

from actions.content import load_content
from advisor_channels.guard import COMMAND_REPLY, EMPTY_REPLY
from tests.servers import conversation, running_assistant, texts

CONTENT = load_content()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    with running_assistant(tmp_path_factory.mktemp("servers")) as started:
        yield started


def test_skip_part_c_with_a_phd_gets_the_sourced_exemption_answer(assistant):
    reply = texts(assistant.ask(conversation(), "Can I skip Part C if I have a PhD?"))
    assert reply.startswith(CONTENT.answers["ask_part_c_exemption"].text)
    assert "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/" in reply
    assert "IPEM recommendation 5 (IPEM's proposal from its HSST survey, not current NSHCS policy)" in reply


@pytest.mark.parametrize(
    "question, intent",
    [
        ("How long does HSST take?", "ask_programme_structure"),
        ("Can I do HSST part time?", "ask_part_time"),
        ("What is HSSE?", "ask_hsse"),
        ("Will being on the HSS register guarantee me a consultant post?", "ask_hssr"),
        ("Does finishing HSST make me a Medical Physics Expert?", "ask_mpe"),
        ("Who pays the university fees for the doctorate?", "ask_pay_and_funding"),
        ("I'm not registered yet, how do I become a clinical scientist?", "ask_stp_route"),
        ("I'd like to speak to a real person at the National School", "request_human"),
    ],
)
def test_questions_get_their_answer_with_sources(assistant, question, intent):
    reply = texts(assistant.ask(conversation(), question))
    answer = CONTENT.answers[intent]
    assert reply.startswith(answer.text)
    assert all(source.url in reply for source in answer.sources)


def test_greeting_then_unrelated_question_then_topics(assistant):
    sender = conversation()
    assert "HSST" in texts(assistant.ask(sender, "hello"))
    assert "outside what I can help with" in texts(assistant.ask(sender, "What's the weather in Leeds tomorrow?"))
    topics = assistant.ask(sender, "what can you do?")
    assert [b["payload"] for b in topics[0]["buttons"]] == [f"/{intent}" for intent in CONTENT.answers]


def test_a_button_payload_answers_like_the_question(assistant):
    reply = texts(assistant.ask(conversation(), "/ask_hsse"))
    assert reply.startswith(CONTENT.answers["ask_hsse"].text)


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
    assert first.startswith(CONTENT.answers["ask_hsse"].text)

    assert texts(assistant.ask(sender, "")) == EMPTY_REPLY
    assert texts(assistant.ask(sender, "   \n\t ")) == EMPTY_REPLY
    assert "too long" in texts(assistant.ask(sender, "HSST " * 4000))
    assert texts(assistant.ask(sender, "/restart")) == COMMAND_REPLY
    assert texts(assistant.ask(sender, '/session_start{"x": 1}')) == COMMAND_REPLY
    for odd in ["🙂🙂🙂", "什么是高级专科科学家培训？", "Привет", "/", '/ask_hsse{"broken', "\x00\x01\x02"]:
        replies = assistant.ask(sender, odd)
        assert replies and all(r.get("text") or r.get("buttons") for r in replies), odd

    after = texts(assistant.ask(sender, "Can I do HSST part time?"))
    assert after.startswith(CONTENT.answers["ask_part_time"].text)
    events = assistant.tracker_events(sender)
    user_texts = [event.get("text") for event in events if event["event"] == "user"]
    assert user_texts[0] == "What is HSSE?"
    assert user_texts[-1] == "Can I do HSST part time?"
    assert not [event for event in events if event["event"] == "restart"]


def test_one_megabyte_bodies_get_a_400_or_the_please_shorten_reply(assistant):
    sender = conversation()
    assert texts(assistant.ask(sender, "What is HSSE?")).startswith(CONTENT.answers["ask_hsse"].text)
    assert assistant.post_raw(b"x" * 1_000_000).status_code == 400
    assert assistant.post({"sender": "s" * 1_000_000, "message": "hi"}).status_code == 400
    assert "too long" in texts(assistant.ask(sender, "HSST " * 200_000))
    assert texts(assistant.ask(sender, "Can I do HSST part time?")).startswith(CONTENT.answers["ask_part_time"].text)
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
            assert texts(await reply.json()).startswith(CONTENT.answers[intent].text), number
        return sender, question

    async def all_at_once() -> list[tuple[str, str]]:
        # No connection limit: all 500 requests are sent at the same moment.
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300)) as session:
            return await asyncio.gather(*(ask(session, number) for number in range(500)))

    asked = asyncio.run(all_at_once())
    for sender, question in asked[::25]:
        assert [e["text"] for e in assistant.tracker_events(sender) if e["event"] == "user"] == [question]
    assert texts(assistant.ask(ongoing, "What is HSSE?")).startswith(CONTENT.answers["ask_hsse"].text)
    assert [e["text"] for e in assistant.tracker_events(ongoing) if e["event"] == "user"] == [
        "What is HSST?",
        "What is HSSE?",
    ]
