"""End to end: the website channel. The real action server, Rasa server and demo page, asked
over socket.io by a Python client (the protocol, origins and bad input) and by the widget
itself in Debian's Chromium (web/test/widget.test.mjs, driven by playwright-core).
"""

import asyncio
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable

import pytest
import requests
import websockets

from actions.wiring import CONTENT, ROUTE_CONTENT
from advisor.message_checks import COMMAND_REPLY, EMPTY_REPLY
from advisor.render import LINK
from advisor.widget_texts import load_widget_texts
from rasa_server.channels.socketio import MALFORMED_REPLY
from tests.conftest import ROOT
from tests.e2e.servers import conversation, topic_openings

WEB = ROOT / "web"
# Under results/ by default; `make screenshots` points this at docs/screenshots/ to refresh the tracked ones.
SCREENSHOTS = ROOT / os.environ.get("SCREENSHOTS_DIR", "results/screenshots")
EVENT_TIMEOUT = 60
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
PART_C_QUESTION = "Can I skip Part C if I have a PhD?"  # the widget test types it (web/test/widget.test.mjs)
FEEDBACK_QUESTION = "What is HSSE?"  # the widget test presses "Not helpful" under its answer


class WidgetClient:
    """A socket.io client speaking the widget's protocol over a websocket, as the browser does.

    Written on `websockets` (engine.io 4 / socket.io 5 text packets) because python-socketio's own
    websocket client needs a newer aiohttp than Rasa 3.6 allows, and its polling client takes
    seconds to disconnect. It records every event it receives, in order.
    """

    def __init__(self) -> None:
        self.websocket = None

    async def connect(self, rasa_port: int, origin: str) -> None:
        url = f"ws://127.0.0.1:{rasa_port}/socket.io/?EIO=4&transport=websocket"
        self.websocket = await websockets.connect(url, origin=origin)
        assert (await self.websocket.recv()).startswith("0{")  # engine.io "open"
        await self.websocket.send("40")  # socket.io "connect" to the default namespace
        assert (await self.websocket.recv()).startswith("40")

    async def emit(self, event: str, *args: object) -> None:
        await self.websocket.send("42" + json.dumps([event, *args]))

    async def close(self) -> None:
        if self.websocket:
            await self.websocket.close()

    async def next_event(self, deadline: float) -> tuple[str, object]:
        # One deadline for the whole wait: engine.io pings every 25 s would otherwise keep
        # a per-packet timeout from ever firing, and a reply that never comes would hang the run.
        loop = asyncio.get_running_loop()
        while True:
            packet = await asyncio.wait_for(self.websocket.recv(), max(deadline - loop.time(), 0))
            if packet == "2":  # engine.io ping
                await self.websocket.send("3")
            elif packet.startswith("42"):
                event, *args = json.loads(packet[2:])
                return event, args[0] if args else None

    async def until(self, done: Callable[[str, object], bool]) -> list:
        """Every event received until one satisfies `done` (that one included), within EVENT_TIMEOUT."""
        deadline = asyncio.get_running_loop().time() + EVENT_TIMEOUT
        events = []
        while True:
            event, data = await self.next_event(deadline)
            events.append((event, data))
            if done(event, data):
                return events

    async def session(self, session_id: object = None) -> str:
        await self.emit("session_request", {"session_id": session_id})
        [(_, confirmed)] = await self.until(lambda event, _: event == "session_confirm")
        return confirmed

    async def reply_to(self, *payload: object, answer: bool = False) -> list[str]:
        """The bot texts sent back for one user_uttered event: a sourced answer's parts, or the channel's one reply."""
        await self.emit("user_uttered", *payload)
        events = await self.until(lambda event, data: event == "bot_uttered" and (not answer or answer_ends(data)))
        return [data["text"] for event, data in events if event == "bot_uttered"]


def answer_ends(data: dict) -> bool:
    # Rasa sends each paragraph as its own message; a sourced answer's last one is its review date.
    return data.get("text", "").startswith("Last reviewed")


def talk(scenario: Callable) -> object:
    """Runs `scenario(client)` with a fresh client, disconnecting afterwards."""

    async def run():
        client = WidgetClient()
        try:
            return await scenario(client)
        finally:
            await client.close()

    return asyncio.run(run())


def first_line(text: str) -> str:
    return text.split("\n")[0]


# --- the socket.io channel -----------------------------------------------------------------------


def test_only_the_configured_origin_may_connect(assistant):
    polling = f"{assistant.base}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(polling, headers={"Origin": assistant.page_url}, timeout=30)
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == assistant.page_url
    refused = requests.get(polling, headers={"Origin": "https://attacker.example"}, timeout=30)
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers

    async def websocket_from(origin: str) -> None:
        client = WidgetClient()
        try:
            await client.connect(assistant.rasa_port, origin)
        finally:
            await client.close()

    asyncio.run(websocket_from(assistant.page_url))
    with pytest.raises(websockets.exceptions.InvalidStatusCode):
        asyncio.run(websocket_from("https://attacker.example"))


@pytest.mark.parametrize("odd_id", [None, "", "has spaces", 42, ["a"], {"id": "x"}, "x" * 200, "../../etc"])
def test_session_request_replaces_an_unusable_session_id_with_a_fresh_one(assistant, odd_id):
    async def scenario(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        return await client.session(odd_id)

    confirmed = talk(scenario)
    assert SESSION_ID.match(confirmed) and confirmed != odd_id


def test_session_request_without_a_payload_gets_a_fresh_session(assistant):
    async def scenario(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        await client.emit("session_request")
        [(_, confirmed)] = await client.until(lambda event, _: event == "session_confirm")
        return confirmed

    assert SESSION_ID.match(talk(scenario))


def test_a_reconnect_with_the_session_id_continues_the_conversation(assistant):
    session_id = conversation()

    async def first_visit(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        assert await client.session(session_id) == session_id
        return await client.reply_to({"message": "What is HSSE?", "session_id": session_id}, answer=True)

    async def second_visit(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        assert await client.session(session_id) == session_id
        return await client.reply_to({"message": "Can I do HSST part time?", "session_id": session_id}, answer=True)

    assert talk(first_visit)[0].startswith(tuple(map(first_line, topic_openings("ask_hsse"))))
    assert talk(second_visit)[0].startswith(tuple(map(first_line, topic_openings("ask_part_time"))))
    user_texts = [e["text"] for e in assistant.tracker_events(session_id) if e["event"] == "user"]
    assert user_texts == ["What is HSSE?", "Can I do HSST part time?"]


def test_a_message_before_any_session_request_gets_a_session_and_an_answer(assistant):
    async def scenario(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        await client.emit("user_uttered", {"message": "What is HSSE?"})
        return await client.until(lambda event, data: event == "bot_uttered" and answer_ends(data))

    events = talk(scenario)
    assert events[0][0] == "session_confirm" and SESSION_ID.match(events[0][1])
    assert events[1][1]["text"].startswith(tuple(map(first_line, topic_openings("ask_hsse"))))


def test_bad_events_get_polite_replies_and_the_conversation_carries_on(assistant):
    session_id = conversation()

    async def scenario(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        await client.session(session_id)
        first = await client.reply_to({"message": "What is HSSE?", "session_id": session_id}, answer=True)
        assert first[0].startswith(tuple(map(first_line, topic_openings("ask_hsse"))))

        assert await client.reply_to() == [MALFORMED_REPLY]
        assert await client.reply_to("What is HSSE?") == [MALFORMED_REPLY]
        assert await client.reply_to([1, 2, 3]) == [MALFORMED_REPLY]
        assert await client.reply_to({"message": 42, "session_id": session_id}) == [EMPTY_REPLY]
        assert await client.reply_to({"message": None, "session_id": session_id}) == [EMPTY_REPLY]
        assert await client.reply_to({"message": " \n ", "session_id": session_id}) == [EMPTY_REPLY]
        assert await client.reply_to({"message": "/restart", "session_id": session_id}) == [COMMAND_REPLY]
        assert await client.reply_to({"message": '/session_start{"a": 1}', "session_id": session_id}) == [COMMAND_REPLY]
        [too_long] = await client.reply_to({"message": "HSST " * 1000, "session_id": session_id})
        assert "too long" in too_long
        # Odd metadata or session ids: the message is answered in the socket's own conversation.
        for odd in ({"metadata": "{not json"}, {"metadata": [1]}, {"session_id": 12}, {"session_id": "bad id!"}):
            replies = await client.reply_to({"message": "What is HSSE?\x00\x07", **odd}, answer=True)
            assert replies[0].startswith(tuple(map(first_line, topic_openings("ask_hsse")))), odd
        return await client.reply_to({"message": "Can I do HSST part time?", "session_id": session_id}, answer=True)

    after = talk(scenario)
    assert after[0].startswith(tuple(map(first_line, topic_openings("ask_part_time"))))
    events = assistant.tracker_events(session_id)
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert user_texts[0] == "What is HSSE?"
    assert user_texts[-1] == "Can I do HSST part time?"
    assert user_texts.count("What is HSSE?") == 5
    assert not [event for event in events if event["event"] == "restart"]


def test_an_event_over_1_mb_closes_only_that_socket_and_the_conversation_carries_on(assistant):
    session_id = conversation()

    async def oversized(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        await client.session(session_id)
        # Sanic refuses websocket frames over 1 MiB by closing the socket (1009, message too big).
        with pytest.raises(websockets.exceptions.ConnectionClosedError):
            await client.reply_to({"message": "x" * 1_100_000, "session_id": session_id})

    async def next_visit(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        assert await client.session(session_id) == session_id
        return await client.reply_to({"message": "What is HSSE?", "session_id": session_id}, answer=True)

    talk(oversized)
    assert talk(next_visit)[0].startswith(tuple(map(first_line, topic_openings("ask_hsse"))))
    assert [e["text"] for e in assistant.tracker_events(session_id) if e["event"] == "user"] == ["What is HSSE?"]


def test_the_widget_texts_come_from_content_and_only_to_allowed_origins(assistant):
    url = f"{assistant.base}/webhooks/socketio/widget_texts"
    reply = requests.get(url, headers={"Origin": assistant.page_url}, timeout=30)
    assert reply.status_code == 200
    assert reply.json() == load_widget_texts(ROOT / "content")
    assert reply.headers["Access-Control-Allow-Origin"] == assistant.page_url
    refused = requests.get(url, headers={"Origin": "https://attacker.example"}, timeout=30)
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_restart_request_starts_the_conversation_over_on_the_server(assistant):
    session_id = conversation()

    async def scenario(client):
        await client.connect(assistant.rasa_port, origin=assistant.page_url)
        await client.session(session_id)
        await client.reply_to({"message": "Which route suits me?", "session_id": session_id})
        await client.emit("restart_request", {"session_id": session_id})
        [*_, (_, confirmed)] = await client.until(lambda event, _: event == "restart_confirm")
        assert confirmed == session_id
        return await client.reply_to({"message": "What is HSSE?", "session_id": session_id}, answer=True)

    after = talk(scenario)
    assert after[0].startswith(tuple(map(first_line, topic_openings("ask_hsse"))))
    # The tracker (as Rasa shows it, from the last restart on) holds only what came after "Start over",
    # with no route check under way.
    events = assistant.tracker_events(session_id)
    assert [e["text"] for e in events if e["event"] == "user"] == ["What is HSSE?"]
    assert not [e for e in events if e["event"] == "active_loop" and e.get("name")]


# --- the widget in a real browser ----------------------------------------------------------------


def test_the_widget_in_chromium(assistant):
    """Keyboard use, greeting, one reply per answer, named links, quick replies, New messages, the advice page,
    reload and Back, Start over, a phone with touch and keyboard, axe-core after each new control, screenshots."""
    assert shutil.which("node"), "Node.js is needed for the browser tests"
    assert (WEB / "node_modules" / "playwright-core").exists(), "run make web (npm ci) first"
    # What the widget must show for "what can you do?" is what the REST channel sends for it.
    topics = requests.post(
        f"{assistant.base}/webhooks/rest/webhook", json={"sender": conversation(), "message": "what can you do?"}
    ).json()[-1]["buttons"]
    clicked_answer = requests.post(
        f"{assistant.base}/webhooks/rest/webhook", json={"sender": conversation(), "message": "/ask_hsse"}
    ).json()
    last_answer = requests.post(
        f"{assistant.base}/webhooks/rest/webhook", json={"sender": conversation(), "message": topics[-1]["payload"]}
    ).json()[0]["text"]
    # The typed Part C question gets its question-level answer: the widget must show what REST sends.
    part_c = requests.post(
        f"{assistant.base}/webhooks/rest/webhook", json={"sender": conversation(), "message": PART_C_QUESTION}
    ).json()
    part_c_text = "\n\n".join(reply["text"] for reply in part_c)
    assert part_c_text.startswith(topic_openings("ask_part_c_exemption")), part_c_text
    part_c_source = LINK.search(part_c_text)
    # The widget presses "Not helpful" under this question's answer: the id it must land with is REST's.
    feedback_on = requests.post(
        f"{assistant.base}/webhooks/rest/webhook", json={"sender": conversation(), "message": FEEDBACK_QUESTION}
    ).json()
    expect = {
        "texts": load_widget_texts(ROOT / "content"),
        "part_c_first_line": first_line(part_c_text),
        "part_c_source": part_c_source["url"],
        "part_c_source_title": part_c_source["title"],
        # Rasa's socket.io output sends each paragraph as its own event; the widget shows them as one reply.
        "part_c_paragraphs": len(part_c_text.split("\n\n")),
        "part_c_replies": [button["title"] for button in part_c[-1].get("buttons", [])],
        "topics": [button["title"] for button in topics],
        "clicked_topic": CONTENT.answers["ask_hsse"].topic,
        "clicked_first_line": tuple(map(first_line, topic_openings("ask_hsse"))),
        # The HSSE answer offers the route check; pressing it asks the advisor's first question.
        "clicked_replies": [button["title"] for button in clicked_answer[-1].get("buttons", [])],
        "route_check_question": ROUTE_CONTENT.questions["registration"].text,
        "route_check_stopped": CONTENT.interface["advice_stopped"],
        "last_topic_first_line": first_line(last_answer),
        "part_time_first_line": tuple(map(first_line, topic_openings("ask_part_time"))),
        # Feedback: the last two buttons under an answer, and what "Not helpful" asks.
        "feedback_titles": [CONTENT.interface["helpful_button"], CONTENT.interface["not_helpful_button"]],
        "feedback_ask_missing": CONTENT.interface["feedback_ask_missing"],
        "feedback_question": FEEDBACK_QUESTION,
        "feedback_answer_id": json.loads(feedback_on[-1]["buttons"][-1]["payload"].removeprefix("/feedback"))[
            "answer_id"
        ],
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PAGE_URL": assistant.page_url,
        "RASA_URL": assistant.base,
        "RASA_TOKEN": assistant.token,
        "EXPECT": json.dumps(expect),
        "SCREENSHOTS": str(SCREENSHOTS),
    }
    run = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "test/widget.test.mjs"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
