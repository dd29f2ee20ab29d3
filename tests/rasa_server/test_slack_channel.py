"""The Slack channel's pieces in-process: replies laid out within Slack's limits, failures, repeats, places.

tests/e2e/test_slack.py drives the same through signed requests and a Web API fake as strict as Slack's.
"""

import asyncio
from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from slack_sdk.errors import SlackApiError

from advisor.message_checks import FAILURE_REPLY
from rasa_server.channels import slack
from rasa_server.channels.slack_client import (
    BLOCKS_PER_MESSAGE,
    BUTTON_LABEL_CHARS,
    BUTTONS_PER_ACTIONS_BLOCK,
    FALLBACK_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    SECTION_TEXT_CHARS,
    UNDELIVERED_REPLY,
    AdvisorSlackBot,
    reply_messages,
    text_pieces,
)
from rasa_server.lock_store import RedisLockStore
from tests.e2e.fake_slack import block_problems, post_message_error


def sections(message: dict) -> list[str]:
    return [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]


def buttons_of(messages: list[dict]) -> list[dict]:
    return [e for m in messages for block in m["blocks"] if block["type"] == "actions" for e in block["elements"]]


def test_a_reply_is_one_message_with_a_section_per_paragraph_and_slack_links():
    text = "First [NSHCS](https://nshcs.hee.nhs.uk/) & more.\n\nSecond <b>\nline two"
    (message,) = reply_messages(text, [{"title": "Yes", "payload": "/affirm"}])
    assert sections(message) == ["First <https://nshcs.hee.nhs.uk/|NSHCS> &amp; more.", "Second &lt;b&gt;\nline two"]
    assert message["text"] == "\n\n".join(sections(message))
    assert message["blocks"][-1]["elements"][0]["action_id"] == "button-0"
    assert post_message_error({"channel": "D1", **message}) == ("", [])


def test_a_paragraph_over_3000_characters_is_cut_at_line_breaks_then_between_words_never_inside_a_link():
    link = "[A page with a long title](https://www.nshcs.hee.nhs.uk/a/long/path)"
    lines = [f"- line {n} " + "word " * 40 + link for n in range(20)] + ["x " * 1000 + link + " y" * 1000]
    (message,) = reply_messages("\n".join(lines))
    assert all(len(section) <= SECTION_TEXT_CHARS for section in sections(message))
    assert len(sections(message)) > 1
    # Each section holds whole links.
    assert all(
        section.count("<https://") == section.count("|A page with a long title>") for section in sections(message)
    )
    assert text_pieces("short\nlines") == ["short\nlines"]
    # Nothing is lost: the words are all there, in order.
    assert " ".join(" ".join(sections(message)).split()) == " ".join(
        "\n".join(lines).replace(link, "<https://www.nshcs.hee.nhs.uk/a/long/path|A page with a long title>").split()
    )
    assert len(message["text"]) <= FALLBACK_TEXT_CHARS and message["text"].endswith("…")
    assert post_message_error({"channel": "D1", **message}) == ("", [])


def test_a_reply_of_more_than_50_blocks_is_split_into_messages_with_the_buttons_on_the_last():
    text = "\n\n".join(f"Paragraph {n}." for n in range(120))
    buttons = [{"title": f"Topic {n} " + "x" * 80, "payload": f"/topic_{n}"} for n in range(30)]
    messages = reply_messages(text, buttons)
    assert [len(m["blocks"]) for m in messages] == [BLOCKS_PER_MESSAGE, BLOCKS_PER_MESSAGE, 20 + 2]
    assert [s for m in messages for s in sections(m)] == [f"Paragraph {n}." for n in range(120)]
    actions = [block for block in messages[-1]["blocks"] if block["type"] == "actions"]
    assert [len(block["elements"]) for block in actions] == [BUTTONS_PER_ACTIONS_BLOCK, 5]
    elements = buttons_of(messages)
    assert [e["value"] for e in elements] == [b["payload"] for b in buttons]
    assert all(len(e["text"]["text"]) <= BUTTON_LABEL_CHARS for e in elements)
    assert len({e["action_id"] for e in elements}) == len(elements)
    assert all(post_message_error({"channel": "D1", **m}) == ("", []) for m in messages)


def test_a_message_s_sections_stay_under_slacks_total_and_a_button_value_over_2000_is_left_out():
    text = "\n\n".join("w " * 1400 for _ in range(10))
    messages = reply_messages(
        text, [{"title": "Long", "payload": "/x" + "y" * 2000}, {"title": "Ok", "payload": "/ok"}]
    )
    assert len(messages) > 1 and all(sum(map(len, sections(m))) <= MESSAGE_TEXT_CHARS for m in messages)
    assert [e["value"] for e in buttons_of(messages)] == ["/ok"]


def test_the_fake_refuses_what_slack_refuses():
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    button = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "value": "/go"}
    assert post_message_error({"channel": "D1", "text": "hi", "as_user": True})[0] == "invalid_arguments"
    assert post_message_error({"channel": "D1", "text": "hi", "type": "mrkdwn"})[0] == "invalid_arguments"
    assert block_problems([section])
    assert block_problems([{"type": "actions", "elements": [button]}])  # no action_id
    assert block_problems([{"type": "actions", "elements": [{**button, "action_id": "a"}] * 2}])  # repeated
    assert block_problems([{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51)
    assert post_message_error({"channel": "D1"})[0] == "no_text"


def test_a_reply_slack_does_not_take_becomes_an_apology_and_nothing_is_raised(monkeypatch):
    posted = []
    bot = AdvisorSlackBot("xoxb-1", "D1", thread_id="1700000000.000100")

    async def post(channel, **message):
        if not posted:
            posted.append(None)
            raise SlackApiError("refused", {"ok": False, "error": "invalid_blocks"})
        posted.append((channel, message))

    monkeypatch.setattr(bot, "_post_message", post)
    asyncio.run(bot.send_text_with_buttons("U1", "The advice", [{"title": "Again", "payload": "/restart_advice"}]))
    assert posted[1:] == [("D1", reply_messages(UNDELIVERED_REPLY)[0])]


def test_an_apology_that_fails_too_is_logged_not_raised(monkeypatch, caplog):
    bot = AdvisorSlackBot("xoxb-1", "D1")

    async def post(channel, **message):
        raise OSError("connection refused")

    monkeypatch.setattr(bot, "_post_message", post)
    asyncio.run(bot.send_text_message("U1", "Hello"))
    assert "apology" in caplog.text


def test_a_key_is_new_once_within_its_time_and_the_oldest_are_forgotten(monkeypatch):
    monkeypatch.setattr(slack, "REMEMBERED_KEYS", 3)
    clock = [100.0]
    monkeypatch.setattr(slack.time, "monotonic", lambda: clock[0])
    recent = slack.RecentKeys()

    def first(key, seconds=60):
        return asyncio.run(recent.first_time(key, seconds))

    assert first("a") and not first("a")
    clock[0] += 61
    assert first("a")  # its time is up
    for key in ("b", "c", "d"):
        assert first(key)
    assert first("a")  # forgotten after three newer ones


@pytest.mark.parametrize(
    "user, channel, direct, expected",
    [("U1", "D1", True, "U1"), ("U1", "C1", False, "U1_C1"), ("U1", "C2", False, "U1_C2"), ("U1", None, False, "U1")],
)
def test_a_dm_is_the_users_conversation_and_each_channel_its_own(user, channel, direct, expected):
    assert slack.conversation_id(user, channel, direct) == expected


def test_the_content_type_is_read_without_its_parameters():
    class Request:
        headers = {"content-type": "Application/JSON; charset=utf-8"}

    assert slack.media_type(Request()) == "application/json"


def request_to(agent) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))


def test_answered_messages_are_kept_in_the_lock_stores_redis_when_rasa_has_one_else_in_memory():
    redis_store = RedisLockStore(host="127.0.0.1", port=6399, db=1)  # Redis is not contacted until used
    channel = slack.GuardedSlackInput("xoxb-1", slack_signing_secret="secret")
    assert isinstance(channel.recent_keys(request_to(None)), slack.RecentKeys)  # Rasa still loading: not kept
    recent = channel.recent_keys(request_to(SimpleNamespace(lock_store=redis_store)))
    assert isinstance(recent, slack.RedisRecentKeys) and recent.red is redis_store.red
    assert recent.prefix == f"{redis_store.key_prefix}slack_seen:"
    assert channel.recent_keys(request_to(None)) is recent
    in_memory = slack.GuardedSlackInput("xoxb-1", slack_signing_secret="secret")
    assert isinstance(
        in_memory.recent_keys(request_to(SimpleNamespace(lock_store=InMemoryLockStore()))), slack.RecentKeys
    )


def test_when_redis_does_not_answer_a_message_is_handled_rather_than_dropped():
    store = RedisLockStore(host="127.0.0.1", port=1, db=1, socket_timeout=1)
    assert asyncio.run(slack.RedisRecentKeys(store.red, "x:").first_time("message:C1:1.0", 60))


def test_if_rasa_fails_on_a_slack_message_the_person_is_told_to_try_again(monkeypatch):
    posted = []
    bot = AdvisorSlackBot("xoxb-1", "D1")

    async def post(channel, **message):
        posted.append(message["text"])

    async def failing_rasa(message):
        raise RuntimeError("the action server is down")

    monkeypatch.setattr(bot, "_post_message", post)
    message = slack.UserMessage("What is HSSE?", bot, "U1", input_channel="slack")
    asyncio.run(slack.GuardedSlackInput._handle(failing_rasa, message))
    assert posted == [FAILURE_REPLY]
