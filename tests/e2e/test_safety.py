"""Safe under distress and abuse, end to end on the shared servers: the probes of docs/security.md as tests.

Crisis signposting on REST, socket.io and Slack (inside the route check too); the command rule;
the request limits; personal data kept out of the tracker store and the logs; the smaller items.
tests/e2e/test_faults.py covers the action server failing and the rate and queue limits.
"""

import asyncio
import json
import random
import socket
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from actions.wiring import CONTENT
from advisor.distress import load_crisis
from advisor.message_checks import COMMAND_REPLY, EMPTY_REPLY
from advisor.personal_data import nhs_number_is_valid
from advisor.render import crisis_reply
from tests.conftest import ROOT
from tests.e2e.fake_slack import as_replies, message_event, new_id, post_event
from tests.e2e.servers import conversation, texts, topic_openings
from tests.e2e.test_socketio_matrix import Chat, hang_up, user_texts

CRISIS_REPLY = crisis_reply(load_crisis(ROOT / "content/crisis.yml", ROOT / "content/official_domains.yml"))
REGISTRATION_QUESTION = "are you registered"
SPECIALISM_QUESTION = "Which specialism"


def user_messages(assistant, sender: str) -> list[str]:
    return [event["text"] for event in assistant.tracker_events(sender) if event["event"] == "user"]


def slots_of(assistant, sender: str) -> dict:
    return {e["name"]: e["value"] for e in assistant.tracker_events(sender) if e["event"] == "slot"}


# --- crisis and distress ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["I'm so stressed by HSST I want to end it all", "I want to kill myself"])
def test_a_person_in_crisis_gets_the_nhs_routes_not_an_faq_over_rest(assistant, text):
    sender = conversation()
    reply = texts(assistant.ask(sender, text))
    assert reply == CRISIS_REPLY
    assert "999" in reply and "NHS 111" in reply and "116 123" in reply
    assert user_messages(assistant, sender) == []


def test_an_idiom_is_not_a_crisis(assistant):
    reply = texts(assistant.ask(conversation(), "this exam is killing me, how long is the final assessment?"))
    assert "116 123" not in reply


def test_crisis_inside_the_route_check_signposts_then_the_check_carries_on(assistant):
    sender = conversation()
    assert REGISTRATION_QUESTION in texts(assistant.ask(sender, "which route suits me"))
    assert SPECIALISM_QUESTION in texts(assistant.ask(sender, '/inform{"registration": "clinical_scientist"}'))
    assert texts(assistant.ask(sender, "radiotherapy, but honestly I want to end my life")) == CRISIS_REPLY
    # The check was not touched: the next answer is read as the answer to the same question.
    after = texts(assistant.ask(sender, "radiotherapy"))
    assert SPECIALISM_QUESTION not in after and "are you registered" not in after
    assert slots_of(assistant, sender)["registration"] == "clinical_scientist"
    assert slots_of(assistant, sender)["specialism"] == "radiotherapy"


def test_a_person_in_crisis_gets_the_nhs_routes_over_socketio(assistant):
    async def chat():
        async with Chat(assistant.base) as tab:
            return await tab.ask("I don't want to be alive anymore"), tab.session_id

    reply, sender = asyncio.run(chat())
    assert reply == CRISIS_REPLY
    assert user_texts(assistant, sender) == []


def test_a_person_in_crisis_gets_the_nhs_routes_over_slack(slack):
    assistant, fake = slack
    user, channel = new_id("U"), new_id("D")
    assert post_event(assistant, message_event(user, channel, "I want to kill myself")).ok
    assert post_event(assistant, message_event(user, channel, "What is HSSE?")).ok
    assistant.wait_until_answered(user, "What is HSSE?")
    first = as_replies(fake.posts(channel))[0]["text"]
    # Slack shows the links its own way: <url|title>.
    assert "116 123" in first and "<https://www.samaritans.org/how-we-can-help/contact-samaritan/|" in first
    assert user_messages(assistant, user) == ["What is HSSE?"]


# --- the command rule -------------------------------------------------------------------------


BYPASSES = ["/ restart", "/\trestart", "/  session_start", "/ back", "/ nlu_fallback", "/RESTART", " /restart",
            '/restart{"x": 1}', "/restart@1", "\u200b/restart", "/session_start", "/ask_hsse@0.1"]  # fmt: skip


def test_no_command_bypass_wipes_a_route_check_in_progress(assistant):
    sender = conversation()
    assistant.ask(sender, "which route suits me")
    assistant.ask(sender, '/inform{"registration": "clinical_scientist"}')
    rng = random.Random(7)
    fuzzed = [rng.choice(["", " ", "\t"]) + "/" + rng.choice(["", " ", "  "]) + rng.choice(["restart", "ReStart",
              "session_start", "back"]) + rng.choice(["", "@0.9", "{}", " please"]) for _ in range(8)]  # fmt: skip
    for text in BYPASSES + fuzzed:
        assert texts(assistant.ask(sender, text)) == COMMAND_REPLY, text
    events = assistant.tracker_events(sender)
    assert not [event for event in events if event["event"] in ("restart", "rewind")]
    assert [event["event"] for event in events].count("session_started") == 1  # the conversation's start
    assert slots_of(assistant, sender)["registration"] == "clinical_scientist"
    assert SPECIALISM_QUESTION not in texts(assistant.ask(sender, "radiotherapy"))


# --- limits before work -----------------------------------------------------------------------


def raw_http(port: int, *parts: bytes) -> bytes:
    """Sends `parts` one by one and returns what the server answered as soon as it answers (it may not wait for all)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        for part in parts:
            try:
                connection.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break
            connection.settimeout(0.3)
            try:
                answer = connection.recv(65536)
                if answer:
                    return answer
            except TimeoutError:
                pass
        connection.settimeout(30)
        return connection.recv(65536)


def test_a_body_over_64_kb_gets_a_413_before_it_is_read(assistant):
    # The header alone announces it: the server refuses without waiting for the 90 MB.
    head = (f"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {90 * 1024 * 1024}\r\n\r\n").encode()  # fmt: skip
    assert raw_http(assistant.rasa_port, head + b'{"sender": "a", "message": "').startswith(b"HTTP/1.1 413")
    # Sent in chunks, with no length given, it is cut off once 64 KB have arrived.
    chunk = b"%x\r\n%s\r\n" % (16384, b"x" * 16384)
    head = b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    answer = raw_http(assistant.rasa_port, head + b"Transfer-Encoding: chunked\r\n\r\n", *[chunk] * 8, b"0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")
    reply = assistant.post({"sender": conversation(), "message": "x" * 70_000})
    assert reply.status_code == 413 and reply.json()["error"] == "the request body is over the 64 KB limit"
    assert texts(assistant.ask(conversation(), "What is HSSE?")).startswith(topic_openings("ask_hsse"))


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
def test_rest_requires_a_json_content_type(assistant, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    body = json.dumps({"sender": conversation(), "message": "What is HSSE?"})
    reply = requests.post(f"{assistant.base}/webhooks/rest/webhook", data=body, headers=headers, timeout=30)
    assert reply.status_code == 415
    assert "application/json" in reply.json()["error"]


# --- personal data ----------------------------------------------------------------------------


def seeded_identifiers() -> dict[str, str]:
    """Identifiers of each kind, unique to this run, so that finding one anywhere means it leaked."""
    rng = random.Random()
    while True:
        nhs = "".join(str(rng.randrange(10)) for _ in range(10))
        if nhs_number_is_valid(nhs):
            break
    return {
        "email": f"seed.{uuid.uuid4().hex[:10]}@example.org",
        "phone": f"07700 9{rng.randrange(10000, 99999)}",
        "nhs_number": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
        "ni_number": f"AB{rng.randrange(100000, 999999)}C",
        "postcode": f"SW{rng.randrange(1, 9)}A {rng.randrange(1, 9)}AA",
        "date_of_birth": f"{rng.randrange(10, 28)}/0{rng.randrange(1, 9)}/19{rng.randrange(50, 99)}",
    }


def seeded_message(seeds: dict[str, str]) -> str:
    return (f"I'm {seeds['email']}, call {seeds['phone']}. NHS number {seeds['nhs_number']}, NI {seeds['ni_number']}, "
            f"I live at {seeds['postcode']}, born {seeds['date_of_birth']}. What is HSSE?")  # fmt: skip


def leaks(assistant, seeds: dict[str, str]) -> list[str]:
    """The seeded identifiers found in any file the servers wrote: the tracker store (SQLite), the logs."""
    found = []
    for path in Path(assistant.workdir).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{kind} in {path.name}" for kind, value in seeds.items() if value.encode() in data]
            digits = seeds["nhs_number"].replace(" ", "").encode()
            found += [f"NHS number digits in {path.name}"] if digits in data else []
    return found


def assert_the_note_and_the_answer(replies: list[str]):
    notes = [reply for reply in replies if "personal details" in reply]
    assert len(notes) == 1
    assert "an e-mail address" in notes[0] and "an NHS number" in notes[0]
    # The question still gets its reply: HSSE's answer or, with the placeholders in the text (issue 12's
    # selector gap), "did you mean" with candidate buttons; never nothing.
    others = [reply for reply in replies if reply not in notes]
    openings = (*topic_openings("ask_hsse"), CONTENT.interface["did_you_mean_intro"])
    assert any(reply.startswith(openings) for reply in others), others


def test_personal_data_sent_over_rest_never_reaches_the_store_or_the_logs(assistant):
    seeds, sender = seeded_identifiers(), conversation()
    replies = [reply["text"] for reply in assistant.ask(sender, seeded_message(seeds))]
    assert_the_note_and_the_answer(replies)
    stored = user_messages(assistant, sender)
    assert "[e-mail address]" in stored[0] and "[NHS number]" in stored[0] and "[date of birth]" in stored[0]
    assert leaks(assistant, seeds) == []


def test_personal_data_sent_over_socketio_never_reaches_the_store_or_the_logs(assistant):
    seeds = seeded_identifiers()

    async def chat():
        async with Chat(assistant.base) as tab:
            replies = await tab.send({"message": seeded_message(seeds), "session_id": tab.session_id})
            return [reply["text"] for reply in replies], tab.session_id

    replies, sender = asyncio.run(chat())
    assert_the_note_and_the_answer(replies)
    assistant.wait_until_answered(sender, user_texts(assistant, sender)[0])
    assert leaks(assistant, seeds) == []


def test_personal_data_sent_over_slack_never_reaches_the_store_or_the_logs(slack):
    assistant, fake = slack
    seeds, user, channel = seeded_identifiers(), new_id("U"), new_id("D")
    assert post_event(assistant, message_event(user, channel, seeded_message(seeds))).ok
    stored = None
    for _ in range(600):
        stored = user_messages(assistant, user)
        if stored:
            break
        asyncio.run(asyncio.sleep(0.2))
    assistant.wait_until_answered(user, stored[0])
    assert_the_note_and_the_answer([reply["text"] for reply in as_replies(fake.posts(channel))])
    assert leaks(assistant, seeds) == []


# --- the smaller items ------------------------------------------------------------------------


def test_a_lone_surrogate_is_removed_and_the_question_answered(assistant):
    sender = conversation()
    logged_before = len(assistant.rasa_log(0).read_bytes())
    body = b'{"sender": "%s", "message": "What is HSSE?\\ud800"}' % sender.encode()
    reply = assistant.post_raw(body)
    assert reply.status_code == 200
    assert texts(reply.json()).startswith(topic_openings("ask_hsse"))
    assert texts(assistant.post_raw(b'{"sender": "%s", "message": "\\udfff"}' % sender.encode()).json()) == EMPTY_REPLY
    assert b"Traceback" not in assistant.rasa_log(0).read_bytes()[logged_before:]


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200b\ufeff", " \u2060 \u200b "])
def test_zero_width_only_messages_are_empty(assistant, text):
    assert texts(assistant.ask(conversation(), text)) == EMPTY_REPLY


def test_a_sender_with_a_trailing_newline_is_refused_not_a_second_conversation(assistant):
    reply = assistant.post({"sender": "someone\n", "message": "What is HSSE?"})
    assert reply.status_code == 400 and "sender" in reply.json()["error"]


def test_the_root_page_does_not_tell_the_rasa_version(assistant):
    import rasa

    reply = requests.get(f"{assistant.base}/", timeout=10)
    assert reply.status_code == 200
    assert rasa.__version__ not in reply.text and "Rasa" not in reply.text


def test_a_guessed_socketio_session_id_is_refused_while_its_socket_is_connected(assistant):
    async def chat():
        async with Chat(assistant.base) as owner:
            await owner.ask("What is HSSE?")
            intruder = socketio.AsyncClient(reconnection=False)
            confirmed: asyncio.Queue = asyncio.Queue()
            heard: list = []
            intruder.on("session_confirm", confirmed.put_nowait)
            intruder.on("bot_uttered", heard.append)
            await intruder.connect(assistant.base, socketio_path="/socket.io", transports=["polling"])
            try:
                await intruder.emit("session_request", {"session_id": owner.session_id})
                given = await asyncio.wait_for(confirmed.get(), 60)
                # Naming the owner's session in a message does not reach it either.
                await intruder.emit("user_uttered", {"message": "What is HSST?", "session_id": owner.session_id})
                await asyncio.sleep(3)
                return owner.session_id, given, owner.replies.empty()
            finally:
                await hang_up(intruder)

    session_id, given, owner_heard_nothing = asyncio.run(chat())
    assert given != session_id
    assert owner_heard_nothing
    assert user_texts(assistant, session_id) == ["What is HSSE?"]


def test_a_page_reload_continues_the_conversation(assistant):
    async def chat():
        async with Chat(assistant.base) as first:
            await first.ask("What is HSSE?")
            session_id = first.session_id
        second = Chat(assistant.base)
        second.session_id = session_id
        async with second:
            return session_id, await second.ask("Can I do HSST part time?")

    session_id, reply = asyncio.run(chat())
    assert reply.startswith(topic_openings("ask_part_time"))
    assert user_texts(assistant, session_id) == ["What is HSSE?", "Can I do HSST part time?"]


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/webhook"), ("PUT", "/webhook"), ("DELETE", "/health"), ("GET", "/nope-<script>"), ("POST", "/nope")],
)
def test_the_action_server_answers_wrong_verbs_and_paths_with_a_4xx_that_echoes_nothing(assistant, method, path):
    reply = requests.request(method, f"http://127.0.0.1:{assistant.actions_port}{path}", data=b"SECRET", timeout=10)
    assert 400 <= reply.status_code < 500
    assert "SECRET" not in reply.text and "nope" not in reply.text and "request_body" not in reply.text


def set_field(call: dict, path: tuple[str, ...], value) -> None:
    place = call
    for name in path[:-1]:
        if not isinstance(place.get(name), dict):
            place[name] = {}
        place = place[name]
    place[path[-1]] = value


def test_the_action_server_never_answers_a_fuzzed_call_with_a_500(assistant):
    rng = random.Random(3)
    odd = [None, 5, "x", [], {}, [5], [{}], {"a": 1}, True, [{"entity": 5}]]
    fields = [("tracker", "slots"), ("tracker", "latest_message"), ("tracker", "latest_message", "intent"),
              ("tracker", "latest_message", "entities"), ("tracker", "latest_message", "text"), ("tracker", "events"),
              ("tracker", "active_loop"), ("domain",), ("tracker", "slots", "wte"), ("tracker", "slots", "phd_year"),
              ("tracker", "slots", "requested_slot"), ("version",), ("next_action",)]  # fmt: skip
    actions = ["action_answer_question", "validate_route_advice_form", "action_give_route_advice",
               "action_start_check_from_answer", "action_ask_wte", "nope"]  # fmt: skip
    for _ in range(150):
        tracker = {"sender_id": "x", "slots": {}, "events": [], "latest_message": {"text": "yes"}}
        call = {"next_action": rng.choice(actions), "domain": {}, "tracker": tracker}
        for _ in range(rng.randint(1, 3)):
            set_field(call, rng.choice(fields), rng.choice(odd))
        reply = requests.post(f"http://127.0.0.1:{assistant.actions_port}/webhook", json=call, timeout=30)
        assert reply.status_code < 500, call
        assert "request_body" not in reply.text
