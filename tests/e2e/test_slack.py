"""The Slack app end to end: signed Events API and interactivity requests in, replies out to a fake Web API.

The shared real servers (tests/e2e/conftest.py) run with the Slack channel enabled the way `make run`
enables it (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set); no request leaves the machine.
"""

import json
import time

import pytest
import requests

from actions.wiring import CONTENT
from advisor.message_checks import COMMAND_REPLY
from tests.e2e.conftest import WATCHED_CHANNEL
from tests.e2e.fake_slack import (
    BOT_TOKEN,
    as_replies,
    button_click,
    message_event,
    new_id,
    post_click,
    post_event,
    signed_headers,
)
from tests.e2e.servers import texts

PART_C_URL = "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/"


def test_url_verification_gets_the_challenge_back_as_slack_documents(slack):
    assistant, fake = slack
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    reply = post_event(assistant, {"token": "unused", "challenge": challenge, "type": "url_verification"})
    assert reply.status_code == 200
    assert reply.json() == {"challenge": challenge}


def test_a_direct_message_is_answered_with_its_sources(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    question = "Can I skip Part C if I have a PhD?"
    reply = post_event(assistant, message_event(user, channel, question))
    assert reply.status_code == 200
    assistant.wait_until_answered(user, question)
    posts = fake.posts(channel)
    answer = texts(as_replies(posts))
    assert answer.startswith(CONTENT.answers["ask_part_c_exemption"].text)
    assert PART_C_URL in answer
    # Slack's Web API was called with the bot token from the environment.
    assert {token for method, token, body in fake.calls if body.get("channel") == channel} == {BOT_TOKEN}


def test_an_app_mention_is_answered_in_its_channel_without_the_mention(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("C")
    reply = post_event(assistant, message_event(user, channel, "What is HSSE?", kind="app_mention"))
    assert reply.status_code == 200
    events = assistant.wait_until_answered(user, "What is HSSE?")
    assert [e["parse_data"]["intent"]["name"] for e in events if e["event"] == "user"] == ["ask_hsse"]
    assert texts(as_replies(fake.posts(channel))).startswith(CONTENT.answers["ask_hsse"].text)


def test_a_message_in_other_channels_without_a_mention_is_ignored_but_the_watched_channel_is_answered(slack):
    assistant, fake = slack
    user, elsewhere = new_id("U"), new_id("C")
    assert post_event(assistant, message_event(user, elsewhere, "What is HSSE?", kind="channel")).status_code == 200
    # A later message in the watched channel is answered; by then the first would have been too.
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "How long is HSST?", kind="channel")).ok
    events = assistant.wait_until_answered(user, "How long is HSST?")
    assert [e["text"] for e in events if e["event"] == "user"] == ["How long is HSST?"]
    assert fake.posts(elsewhere) == []


def test_the_topic_list_arrives_as_block_kit_buttons_and_a_click_answers(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    assert post_event(assistant, message_event(user, channel, "what can you do?")).ok
    assistant.wait_until_answered(user, "what can you do?")
    [topics] = fake.posts(channel)
    section, *actions = topics["blocks"]
    assert section["text"]["text"] == CONTENT.interface["topics_intro"]
    buttons = [element for block in actions for element in block["elements"]]
    assert all(block["type"] == "actions" and len(block["elements"]) <= 25 for block in actions)
    assert [(b["type"], b["text"]["text"], b["value"]) for b in buttons] == [
        ("button", answer.topic, f"/{intent}") for intent, answer in CONTENT.answers.items()
    ]

    hsse = next(b["value"] for b in buttons if b["value"] == "/ask_hsse")
    assert post_click(assistant, user, channel, hsse).status_code == 200
    assistant.wait_until_answered(user, "/ask_hsse")
    assert texts(as_replies(fake.posts(channel)[1:])).startswith(CONTENT.answers["ask_hsse"].text)


@pytest.mark.parametrize("reason", ["http_timeout", "http_error", "connection_failed"])
def test_a_slack_retry_is_not_answered_twice(slack, reason):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    event = message_event(user, channel, "Can I do HSST part time?")
    assert post_event(assistant, event).ok
    assistant.wait_until_answered(user, "Can I do HSST part time?")
    answered = len(fake.posts(channel))

    retry = post_event(assistant, event, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason})
    assert retry.status_code in (200, 201)
    # The next message is handled after anything the retry could have started.
    assert post_event(assistant, message_event(user, channel, "thanks")).ok
    events = assistant.wait_until_answered(user, "thanks")
    assert [e["text"] for e in events if e["event"] == "user"] == ["Can I do HSST part time?", "thanks"]
    part_time = [p for p in fake.posts(channel) if CONTENT.answers["ask_part_time"].text.split("\n\n")[0] in p["text"]]
    assert len(part_time) == 1 and len(fake.posts(channel)) > answered


def test_a_mention_in_the_watched_channel_is_answered_once_not_as_message_and_mention(slack):
    assistant, fake = slack
    user = new_id("U")
    ts = f"{time.time():.6f}"
    # Slack sends both events for one message that @mentions the bot in a channel it reads.
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "What is the HSSR?", "channel", ts)).ok
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "What is the HSSR?", "app_mention", ts)).ok
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "thanks")).ok
    events = assistant.wait_until_answered(user, "thanks")
    assert [e["text"] for e in events if e["event"] == "user"] == ["What is the HSSR?", "thanks"]


def _rejected(assistant, fake, body: bytes, headers: dict, user: str, channel: str) -> None:
    reply = requests.post(f"{assistant.base}/webhooks/slack/webhook", data=body, headers=headers, timeout=30)
    assert reply.status_code == 401, reply.text
    assert "signed" in reply.text
    # Rejection happens before anything is scheduled, so there is nothing to wait for.
    assert fake.posts(channel) == []
    assert [e for e in assistant.tracker_events(user) if e["event"] == "user"] == []


@pytest.mark.parametrize(
    "headers_for",
    [
        pytest.param(lambda body: {"Content-Type": "application/json"}, id="unsigned"),
        pytest.param(lambda body: signed_headers(body, "application/json", secret="not-the-secret"), id="wrong-secret"),
        pytest.param(lambda body: signed_headers(body, "application/json", int(time.time()) - 301), id="stale"),
        pytest.param(lambda body: signed_headers(body, "application/json", int(time.time()) + 301), id="future"),
        pytest.param(
            lambda body: {**signed_headers(body, "application/json"), "X-Slack-Request-Timestamp": "yesterday"},
            id="bad-timestamp",
        ),
    ],
)
def test_requests_not_signed_by_slack_are_rejected_and_unanswered(slack, headers_for):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    body = json.dumps(message_event(user, channel, "What is HSSE?")).encode()
    _rejected(assistant, fake, body, headers_for(body), user, channel)


def test_a_body_changed_after_signing_is_rejected(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    signed = json.dumps(message_event(user, channel, "What is HSSE?")).encode()
    forged = signed.replace(b"What is HSSE?", b"/restart")
    _rejected(assistant, fake, forged, signed_headers(signed, "application/json"), user, channel)


def test_an_unsigned_button_click_is_rejected(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    body = button_click(user, channel, "/ask_hsse")
    _rejected(assistant, fake, body, {"Content-Type": "application/x-www-form-urlencoded"}, user, channel)


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
        (b"nothing=here", "application/x-www-form-urlencoded"),
        (b"hello", "text/plain"),
    ],
)
def test_signed_but_malformed_requests_get_a_clear_400(slack, body, content_type):
    assistant, _ = slack
    reply = requests.post(
        f"{assistant.base}/webhooks/slack/webhook", data=body, headers=signed_headers(body, content_type), timeout=30
    )
    assert reply.status_code == 400
    assert reply.text


def test_slack_text_goes_through_the_same_checks_as_rest(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    assert post_event(assistant, message_event(user, channel, "/restart")).ok
    assert post_event(assistant, message_event(user, channel, "HSST " * 1000)).ok
    assert post_event(assistant, message_event(user, channel, "What is HSSE?")).ok
    events = assistant.wait_until_answered(user, "What is HSSE?")
    assert [e["text"] for e in events if e["event"] == "user"] == ["What is HSSE?"]
    assert not [e for e in events if e["event"] == "restart"]
    replies = [reply["text"] for reply in as_replies(fake.posts(channel))]
    assert replies[0] == COMMAND_REPLY
    assert "too long" in replies[1]
    assert texts(as_replies(fake.posts(channel)[2:])).startswith(CONTENT.answers["ask_hsse"].text)


def test_slack_escapes_are_undone_before_rasa_reads_the_text(slack):
    assistant, _ = slack
    user, channel = new_id("U"), new_id("D")
    question = "HSSE & HSSR: is <5 years at consultant level > nothing?"
    assert post_event(assistant, message_event(user, channel, question)).ok
    events = assistant.wait_until_answered(user, question)
    assert [e["text"] for e in events if e["event"] == "user"] == [question]
