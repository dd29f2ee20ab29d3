"""The Slack app end to end: signed Events API and interactivity requests in, replies out to a strict fake Web API.

The shared real servers (tests/e2e/conftest.py) run with the Slack channel enabled the way `make run`
enables it (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set); no request leaves the machine. Requests are
signed with slack_sdk's SignatureVerifier, and the fake refuses what Slack refuses (tests/e2e/fake_slack.py),
so a reply that passes here is one Slack takes.
"""

import asyncio
import datetime as dt
import json
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from actions.wiring import CONTENT, ROUTE_CONTENT
from advisor import feedback
from advisor.message_checks import COMMAND_REPLY
from advisor.render import feedback_payload, links_as_slack, render_advice
from advisor.route.profile import QUESTION_ORDER, Profile
from advisor.route.rules import advise, questions_needed
from rasa_server.channels.slack import RedisRecentKeys
from rasa_server.channels.slack_client import UNDELIVERED_REPLY, slack_mrkdwn
from rasa_server.lock_store import RedisLockStore
from tests.e2e.conftest import WATCHED_CHANNEL
from tests.e2e.fake_slack import (
    BOT_TOKEN,
    as_replies,
    button_click,
    fake_slack_api,
    latest_with_button,
    message_event,
    new_id,
    post_click,
    post_event,
    signed_headers,
    slack_env,
)
from tests.e2e.servers import running_assistant, texts, topic_openings
from tools.stores import running_redis, running_shared_stores

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
    assert answer.startswith(tuple(map(links_as_slack, topic_openings("ask_part_c_exemption"))))
    assert PART_C_URL in answer
    # Slack's Web API was called with the bot token from the environment.
    assert {call.token for call in fake.posts_to(channel)} == {BOT_TOKEN}
    # One message, not one per paragraph; top level, as the question was.
    assert len(posts) == 1 and "thread_ts" not in posts[0]
    assert fake.rejections(channel) == []


def test_an_app_mention_is_answered_in_its_channel_without_the_mention(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("C")
    reply = post_event(assistant, message_event(user, channel, "What is HSSE?", kind="app_mention"))
    assert reply.status_code == 200
    events = assistant.wait_until_answered(f"{user}_{channel}", "What is HSSE?")
    assert [e["parse_data"]["intent"]["name"] for e in events if e["event"] == "user"] == ["ask_hsse"]
    assert texts(as_replies(fake.posts(channel))).startswith(tuple(map(links_as_slack, topic_openings("ask_hsse"))))


def test_a_message_in_other_channels_without_a_mention_is_ignored_but_the_watched_channel_is_answered(slack):
    assistant, fake = slack
    user, elsewhere = new_id("U"), new_id("C")
    assert post_event(assistant, message_event(user, elsewhere, "What is HSSE?", kind="channel")).status_code == 200
    # A later message in the watched channel is answered; by then the first would have been too.
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "How long is HSST?", kind="channel")).ok
    events = assistant.wait_until_answered(f"{user}_{WATCHED_CHANNEL}", "How long is HSST?")
    assert [e["text"] for e in events if e["event"] == "user"] == ["How long is HSST?"]
    assert fake.posts(elsewhere) == []
    assert [e for e in assistant.tracker_events(f"{user}_{elsewhere}") if e["event"] == "user"] == []


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

    assert len({b["action_id"] for b in buttons}) == len(buttons)
    hsse = next(b["value"] for b in buttons if b["value"] == "/ask_hsse")
    assert post_click(assistant, user, channel, hsse, topics).status_code == 200
    assistant.wait_until_answered(user, "/ask_hsse")
    assert texts(as_replies(fake.posts(channel)[1:])).startswith(tuple(map(links_as_slack, topic_openings("ask_hsse"))))


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
    openings = [slack_mrkdwn(opening.split("\n\n")[0]) for opening in topic_openings("ask_part_time")]
    part_time = [p for p in fake.posts(channel) if any(opening in p["text"] for opening in openings)]
    assert len(part_time) == 1 and len(fake.posts(channel)) > answered


def test_a_mention_in_the_watched_channel_is_answered_once_not_as_message_and_mention(slack):
    assistant, fake = slack
    user = new_id("U")
    ts = f"{time.time():.6f}"
    # Slack sends both events for one message that @mentions the bot in a channel it reads.
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "What is the HSSR?", "channel", ts)).ok
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "What is the HSSR?", "app_mention", ts)).ok
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "thanks", "channel")).ok
    events = assistant.wait_until_answered(f"{user}_{WATCHED_CHANNEL}", "thanks")
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
        # A minute past Slack's 5-minute window either way: one second past it fell back inside the window by the
        # time a loaded server read it (whole-second timestamps, which Rasa compares with time.time()).
        pytest.param(lambda body: signed_headers(body, "application/json", int(time.time()) - 360), id="stale"),
        pytest.param(lambda body: signed_headers(body, "application/json", int(time.time()) + 360), id="future"),
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
    assert texts(as_replies(fake.posts(channel)[2:])).startswith(tuple(map(links_as_slack, topic_openings("ask_hsse"))))


def test_slack_escapes_are_undone_before_rasa_reads_the_text(slack):
    assistant, _ = slack
    user, channel = new_id("U"), new_id("D")
    question = "HSSE & HSSR: is <5 years at consultant level > nothing?"
    assert post_event(assistant, message_event(user, channel, question)).ok
    events = assistant.wait_until_answered(user, question)
    assert [e["text"] for e in events if e["event"] == "user"] == [question]


# --- the route advice through the strict fake, for every profile in the route cases -------------------

CASES_DIR = Path(__file__).parents[1] / "unit" / "route_cases"
# Profiles the rules refuse never reach advice (tests/unit/test_route_rules.py); every other case file is read.
REFUSED_CASES = "refused.yml"


def route_cases() -> list:
    """Each distinct profile of the case files once (a case checks one recommendation, so profiles repeat).

    Cases given as `typed` answers are read by the answer reader, not pressed, so they are left out; an
    answer left empty (null) is simply not given.
    """
    profiles: dict[str, dict] = {}
    for path in sorted(CASES_DIR.glob("*.yml")):
        if path.name != REFUSED_CASES:
            for case in yaml.safe_load(path.read_text(encoding="utf-8")):
                if "typed" not in case:
                    profile = {slot: value for slot, value in case["profile"].items() if value is not None}
                    profiles.setdefault(json.dumps(profile, sort_keys=True, default=str), {**case, "profile": profile})
    return [pytest.param(case, id=case["name"]) for case in profiles.values()]


def slot_values(events: list) -> dict:
    """The slots as the tracker holds them after these events."""
    values: dict = {}
    for event in events:
        if event["event"] == "slot":
            values[event["name"]] = event["value"]
        elif event["event"] == "restart":
            values.clear()
    return values


def requested_slot(events: list) -> str | None:
    return slot_values(events).get("requested_slot")


def answers_profile(events: list) -> Profile:
    """The profile the route advisor's actions build from the tracker (actions/route_form.py: profile_from_slots)."""
    slots = slot_values(events)
    return Profile.from_answers({name: slots.get(name) for name in QUESTION_ORDER})


def press(assistant, fake, user: str, channel: str, value: str, sent: list[str]) -> list[dict]:
    """Presses the button that sends `value` (on the newest message with one, as a person would); waits for the turn.

    Answers that have no button (a PhD year, an exact number of hours) are sent as a button's payload would be.
    Returns the messages Slack took in that turn.
    """
    start = len(fake.posts(channel))
    assert post_click(assistant, user, channel, value, latest_with_button(fake, channel, value)).ok
    sent.append(value)
    assistant.wait_until_answered(user, value, sent.count(value))
    return fake.posts(channel)[start:]


@pytest.mark.parametrize("case", route_cases())
def test_a_full_route_check_delivers_the_advice_within_slacks_limits(slack, case):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    sent: list[str] = []
    turn = press(assistant, fake, user, channel, "/ask_route_advice", sent)
    given: dict = {}
    for _ in range(len(case["profile"]) + 2):
        slot = requested_slot(assistant.tracker_events(user))
        if slot is None:
            break
        # The question was asked, with its buttons, in one message.
        assert [reply["text"] for reply in as_replies(turn)][-1].endswith(ROUTE_CONTENT.questions[slot].text)
        if slot not in case["profile"]:
            # An unfinished profile: the check asks what the rules still need, and gives no advice yet.
            needed = questions_needed(answers_profile(assistant.tracker_events(user)), dt.date.today(), ROUTE_CONTENT)
            assert slot == needed[0]
            break
        # Dates as YAML reads them are sent as ISO text, as a person would type them.
        given[slot] = case["profile"][slot]
        turn = press(assistant, fake, user, channel, "/inform" + json.dumps({slot: given[slot]}, default=str), sent)
        assert requested_slot(assistant.tracker_events(user)) != slot, f"{slot}={given[slot]!r} was asked again"
    else:
        pytest.fail(f"the route check did not end: {sent}")
    assert fake.rejections(channel) == []
    if requested_slot(assistant.tracker_events(user)) is not None:
        return
    profile = answers_profile(assistant.tracker_events(user))
    today = dt.date.today()
    expected = render_advice(advise(profile, today, ROUTE_CONTENT), profile, today, ROUTE_CONTENT, CONTENT)
    # The advice is one message (more only beyond Slack's 50 blocks), its paragraphs as sections.
    assert len(turn) == 1 and len(turn[0]["blocks"]) <= 50
    (advice,) = as_replies(turn)
    # The advice, after the one-line summary of the answers it rests on.
    shown = " ".join(advice["text"].split())
    assert shown.startswith("Based on your answers: ")
    assert shown.endswith(" ".join(links_as_slack(expected).split()))
    assert [button["payload"] for button in advice["buttons"]] == [
        "/restart_advice",
        "/ask_capabilities",
        feedback_payload("route_advice", True),
        feedback_payload("route_advice", False),
    ]
    # Sections: the summary, the intro, then the first recommendation with its sources.
    sections = [block["text"]["text"] for block in turn[0]["blocks"] if block["type"] == "section"]
    assert all(len(section) <= 3000 for section in sections) and "<https://" in sections[2]


# --- rate limits and failures ----------------------------------------------------------------------


def test_a_rate_limited_reply_is_sent_again_after_the_retry_after_slack_names(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    fake.rate_limit(channel, posts=2, retry_after=1)
    assert post_event(assistant, message_event(user, channel, "What is HSSE?")).ok
    assistant.wait_until_answered(user, "What is HSSE?")
    calls = fake.posts_to(channel)
    assert [call.status for call in calls] == [429, 429, 200]
    assert all(later.at - earlier.at >= 1 for earlier, later in zip(calls, calls[1:], strict=False))
    assert texts(as_replies(fake.posts(channel))).startswith(tuple(map(links_as_slack, topic_openings("ask_hsse"))))


def test_a_reply_slack_will_not_take_becomes_an_apology_and_the_turn_is_kept(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    press(assistant, fake, user, channel, "/ask_route_advice", [])
    assert requested_slot(assistant.tracker_events(user)) == "registration"
    fake.refuse(channel, posts=1, error="internal_error")
    turn = press(assistant, fake, user, channel, '/inform{"registration": "clinical_scientist"}', [])
    assert [reply["text"] for reply in as_replies(turn)] == [UNDELIVERED_REPLY]
    # The answer was kept: the check goes on from the next question, not from registration again.
    events = assistant.tracker_events(user)
    assert requested_slot(events) not in (None, "registration")
    assert [e["value"] for e in events if e["event"] == "slot" and e["name"] == "registration"][
        -1
    ] == "clinical_scientist"
    assert [call.error for call in fake.posts_to(channel)][-2:] == ["internal_error", ""]


# --- threads and places ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind, channel_prefix", [("app_mention", "C"), ("im", "D")])
def test_a_message_in_a_thread_is_answered_in_that_thread_and_so_is_a_press_there(slack, kind, channel_prefix):
    assistant, fake = slack
    user, channel = new_id("U"), new_id(channel_prefix)
    sender = user if kind == "im" else f"{user}_{channel}"
    thread = f"{time.time() - 60:.6f}"
    assert post_event(assistant, message_event(user, channel, "what can you do?", kind, thread_ts=thread)).ok
    assistant.wait_until_answered(sender, "what can you do?")
    [topics] = fake.posts(channel)
    assert topics["thread_ts"] == thread
    assert post_click(assistant, user, channel, "/ask_hsse", topics).ok
    assistant.wait_until_answered(sender, "/ask_hsse")
    assert [post.get("thread_ts") for post in fake.posts(channel)] == [thread, thread]
    # A message at the top level is answered at the top level.
    assert post_event(assistant, message_event(user, channel, "How long is HSST?", kind)).ok
    assistant.wait_until_answered(sender, "How long is HSST?")
    assert "thread_ts" not in fake.posts(channel)[-1]


def test_a_route_check_in_a_dm_never_surfaces_in_a_channel(slack):
    assistant, fake = slack
    user, dm, channel = new_id("U"), new_id("D"), new_id("C")
    press(assistant, fake, user, dm, "/ask_route_advice", [])
    press(assistant, fake, user, dm, '/inform{"registration": "clinical_scientist"}', [])
    asked_in_dm = requested_slot(assistant.tracker_events(user))
    assert asked_in_dm not in (None, "registration")
    assert post_event(assistant, message_event(user, channel, "yes", kind="app_mention")).ok
    in_channel = assistant.wait_until_answered(f"{user}_{channel}", "yes")
    assert [e["text"] for e in in_channel if e["event"] == "user"] == ["yes"]
    assert requested_slot(in_channel) is None
    question_texts = [question.text for question in ROUTE_CONTENT.questions.values()]
    assert not any(q in reply["text"] for reply in as_replies(fake.posts(channel)) for q in question_texts)
    # The DM's check is where it was.
    assert requested_slot(assistant.tracker_events(user)) == asked_in_dm
    assert "yes" not in [e.get("text") for e in assistant.tracker_events(user) if e["event"] == "user"]


def test_channel_housekeeping_is_not_answered(slack):
    assistant, fake = slack
    user = new_id("U")
    housekeeping = [
        ("channel_join", f"<@{user}> has joined the channel"),
        ("channel_topic", "set the channel topic: HSST"),
        ("channel_purpose", "set the channel purpose: questions about HSST"),
    ]
    for subtype, text in housekeeping:
        assert post_event(assistant, message_event(user, WATCHED_CHANNEL, text, "channel", subtype=subtype)).ok
    assert post_event(assistant, message_event(user, WATCHED_CHANNEL, "What is HSSE?", "channel")).ok
    events = assistant.wait_until_answered(f"{user}_{WATCHED_CHANNEL}", "What is HSSE?")
    assert [e["text"] for e in events if e["event"] == "user"] == ["What is HSSE?"]


def test_an_event_whose_content_type_has_a_charset_is_answered_in_its_own_dm(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    event = message_event(user, channel, "What is HSSE?")
    assert post_event(assistant, event, content_type="application/json; charset=utf-8").ok
    assistant.wait_until_answered(user, "What is HSSE?")
    assert texts(as_replies(fake.posts(channel))).startswith(tuple(map(links_as_slack, topic_openings("ask_hsse"))))
    assert fake.posts(WATCHED_CHANNEL) == [] or all(
        p["channel"] == WATCHED_CHANNEL for p in fake.posts(WATCHED_CHANNEL)
    )


# --- once only -------------------------------------------------------------------------------------


def test_a_double_click_is_answered_once(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    assert post_event(assistant, message_event(user, channel, "what can you do?")).ok
    assistant.wait_until_answered(user, "what can you do?")
    [topics] = fake.posts(channel)
    first, second = (button_click(user, channel, "/ask_hsse", topics) for _ in range(2))
    for body in (first, second):
        headers = signed_headers(body, "application/x-www-form-urlencoded")
        assert requests.post(f"{assistant.base}/webhooks/slack/webhook", data=body, headers=headers, timeout=30).ok
    assert post_event(assistant, message_event(user, channel, "thanks")).ok
    events = assistant.wait_until_answered(user, "thanks")
    assert [e["text"] for e in events if e["event"] == "user"] == ["what can you do?", "/ask_hsse", "thanks"]


def test_a_retry_of_a_message_this_process_never_saw_is_answered(slack):
    # As after a restart: Slack retries (http_timeout) a message the new process has no record of.
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    event = message_event(user, channel, "What is HSSE?")
    headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert post_event(assistant, event, headers=headers).ok
    assistant.wait_until_answered(user, "What is HSSE?")
    assert texts(as_replies(fake.posts(channel))).startswith(tuple(map(links_as_slack, topic_openings("ask_hsse"))))


def test_with_the_lock_stores_redis_every_instance_and_a_restarted_one_know_a_message():
    password = uuid.uuid4().hex
    with running_redis(password) as port:
        # Each store is what one Rasa instance's Slack channel uses: its lock store's Redis client and prefix.
        stores = [RedisLockStore(host="127.0.0.1", port=port, password=password, db=1) for _ in range(3)]
        instances = [RedisRecentKeys(store.red, f"{store.key_prefix}slack_seen:") for store in stores]

        async def first_times(key: str) -> list[bool]:
            return list(await asyncio.gather(*(instance.first_time(key, 60) for instance in instances)))

        # Sent to three instances at once, a message is new to exactly one of them.
        assert sorted(asyncio.run(first_times("message:C1:1.0"))) == [False, False, True]
        restarted = RedisLockStore(host="127.0.0.1", port=port, password=password, db=1)
        assert not asyncio.run(RedisRecentKeys(restarted.red, f"{restarted.key_prefix}slack_seen:").first_time(
            "message:C1:1.0", 60))  # fmt: skip
        assert asyncio.run(instances[0].first_time("message:C1:2.0", 60))


@pytest.fixture(scope="module")
def two_slack_instances(tmp_path_factory):
    """Two Rasa instances behind one Slack app, on PostgreSQL and the Redis lock store (docs/operations.md)."""
    with fake_slack_api() as fake, running_shared_stores() as stores:
        env = {**slack_env(fake), **stores}
        with running_assistant(tmp_path_factory.mktemp("slack-two"), extra_env=env, rasa_instances=2) as assistant:
            yield assistant, fake


def test_with_two_instances_a_retry_or_double_click_on_the_other_one_and_a_retry_after_a_restart_are_ignored(
    two_slack_instances,
):
    assistant, fake = two_slack_instances
    user, channel = new_id("U"), new_id("D")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    event = message_event(user, channel, "what can you do?")
    assert post_event(assistant, event, instance=0).ok
    repeat = post_event(assistant, event, headers=retry, instance=1)
    assert repeat.ok and repeat.headers.get("X-Slack-No-Retry") == "1"
    assistant.wait_until_answered(user, "what can you do?")
    [topics] = fake.posts(channel)
    # The two presses of a double click, landing on different instances.
    assert post_click(assistant, user, channel, "/ask_hsse", topics, instance=0).ok
    assert post_click(assistant, user, channel, "/ask_hsse", topics, instance=1).ok
    assert post_event(assistant, message_event(user, channel, "thanks"), instance=1).ok
    assistant.wait_until_answered(user, "thanks")

    assistant.kill_rasa(1)
    assistant.start_rasa(1)
    assert post_event(assistant, event, headers={**retry, "X-Slack-Retry-Num": "2"}, instance=1).ok
    assert post_event(assistant, message_event(user, channel, "bye"), instance=1).ok
    events = assistant.wait_until_answered(user, "bye")
    assert [e["text"] for e in events if e["event"] == "user"] == ["what can you do?", "/ask_hsse", "thanks", "bye"]
    assert fake.rejections(channel) == []


def test_feedback_buttons_are_block_kit_buttons_and_a_press_lands_with_its_answer_id(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    assert post_event(assistant, message_event(user, channel, "what can you do?")).ok
    assistant.wait_until_answered(user, "what can you do?")
    assert post_click(assistant, user, channel, "/ask_hsse", latest_with_button(fake, channel, "/ask_hsse")).ok
    assistant.wait_until_answered(user, "/ask_hsse")
    not_helpful = feedback_payload("ask_hsse", False)
    page = latest_with_button(fake, channel, not_helpful)
    assert page is not None
    titles = [
        element["text"]["text"]
        for block in page["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert titles[-2:] == [CONTENT.interface["helpful_button"], CONTENT.interface["not_helpful_button"]]
    assert post_click(assistant, user, channel, not_helpful, page).ok
    events = assistant.wait_until_answered(user, not_helpful)
    assert [e["value"] for e in events if e.get("name") == feedback.ANSWER_SLOT] == ["ask_hsse"]
    assert [e["value"] for e in events if e.get("name") == feedback.HELPFUL_SLOT] == [False]
    assert texts(as_replies(fake.posts(channel)[-1:])) == CONTENT.interface["feedback_ask_missing"]
    # The conversation goes on: a question after it is answered.
    before = len(fake.posts(channel))
    assert post_event(assistant, message_event(user, channel, "Can I do HSST part time?")).ok
    assistant.wait_until_answered(user, "Can I do HSST part time?")
    after = texts(as_replies(fake.posts(channel)[before:]))
    assert after.startswith(tuple(map(links_as_slack, topic_openings("ask_part_time")))) and "Sources:" in after
