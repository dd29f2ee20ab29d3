"""A local stand-in for Slack: a Web API as strict as Slack's (it records the bot's replies), and signed requests.

The assistant's Slack channel posts replies to `SLACK_API_URL`; tests point that at `FakeSlackApi.url`.
The fake refuses what Slack refuses, with Slack's error codes: a section's text over 3,000 characters,
more than 50 blocks, an actions block of more than 25 elements, a button without an action_id, with
a label over 75 or a value over 2,000 characters, repeated action_ids or block_ids, unknown arguments
(such as the legacy `as_user` and `type`), a bad token. On request it answers 429 with Retry-After,
or refuses posts to a channel. Requests to the assistant are signed with slack_sdk's SignatureVerifier,
the way Slack signs them: https://api.slack.com/authentication/verifying-requests-from-slack
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from rasa_server.channels.slack_client import slack_escape, slack_unescape
from tests.e2e.servers import RunningAssistant

BOT_TOKEN = "xoxb-test-" + uuid.uuid4().hex
SIGNING_SECRET = uuid.uuid4().hex
BOT_USER = "UBOT00001"

# https://api.slack.com/methods/chat.postMessage: its arguments (token goes in the Authorization header).
POST_MESSAGE_ARGUMENTS = frozenset(
    {"channel", "text", "blocks", "attachments", "thread_ts", "reply_broadcast", "unfurl_links", "unfurl_media",
     "mrkdwn", "parse", "link_names", "icon_emoji", "icon_url", "username", "metadata"}
)  # fmt: skip
# Block Kit's limits (https://api.slack.com/reference/block-kit/blocks, .../block-elements#button).
MAX_BLOCKS, MAX_SECTION_TEXT, MAX_ELEMENTS, MAX_BUTTON_TEXT, MAX_BUTTON_VALUE, MAX_ID = 50, 3000, 25, 75, 2000, 255
# Slack truncates longer `text`; its blocks' text in all is refused (msg_blocks_too_long) at about 13,000.
MAX_TEXT, MAX_BLOCKS_TEXT = 40_000, 13_000
TS = re.compile(r"^\d+\.\d+$")


def block_problems(blocks: object) -> list[str]:
    """What Slack would say is wrong with a message's blocks (its `invalid_blocks` messages); empty if nothing."""
    if not isinstance(blocks, list) or not blocks:
        return ["blocks must be a non-empty array"]
    problems = [f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]"] if len(blocks) > MAX_BLOCKS else []
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for number, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{number}]"
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > MAX_ID or block_id in block_ids:
                problems.append(f"invalid or repeated block_id {where}")
            block_ids.add(block_id)
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "section":
            text = block.get("text")
            if not (isinstance(text, dict) and text.get("type") in ("mrkdwn", "plain_text")):
                problems.append(f"section text must be a text object {where}")
            elif not isinstance(text.get("text"), str) or not 1 <= len(text["text"]) <= MAX_SECTION_TEXT:
                problems.append(f"must be between 1 and {MAX_SECTION_TEXT} characters {where}/text")
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= MAX_ELEMENTS:
                problems.append(f"must have between 1 and {MAX_ELEMENTS} elements {where}/elements")
                continue
            for index, element in enumerate(elements):
                at = f"{where}/elements/{index}"
                if not isinstance(element, dict) or element.get("type") != "button":
                    problems.append(f"unsupported element {at}")
                    continue
                action_id = element.get("action_id")
                if not isinstance(action_id, str) or not 1 <= len(action_id) <= MAX_ID:
                    problems.append(f"missing or invalid action_id {at}")
                elif action_id in action_ids:
                    problems.append(f"action_id already exists {at}")
                action_ids.add(action_id)
                label = element.get("text")
                if not (isinstance(label, dict) and label.get("type") == "plain_text"):
                    problems.append(f"button text must be plain_text {at}/text")
                elif not isinstance(label.get("text"), str) or not 1 <= len(label["text"]) <= MAX_BUTTON_TEXT:
                    problems.append(f"must be between 1 and {MAX_BUTTON_TEXT} characters {at}/text")
                value = element.get("value")
                if value is not None and (not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE):
                    problems.append(f"must be at most {MAX_BUTTON_VALUE} characters {at}/value")
        else:
            problems.append(f"unsupported block type {kind!r} {where}")
    return problems


def post_message_error(body: dict) -> tuple[str, list[str]]:
    """Slack's error code for a chat.postMessage body, and its messages; ("", []) when Slack would take it."""
    unknown = sorted(set(body) - POST_MESSAGE_ARGUMENTS)
    if unknown:
        return "invalid_arguments", [f"[ERROR] unknown argument: {name}" for name in unknown]
    if not isinstance(body.get("channel"), str) or not body["channel"]:
        return "channel_not_found", []
    if "thread_ts" in body and not (isinstance(body["thread_ts"], str) and TS.match(body["thread_ts"])):
        return "invalid_thread_ts", []
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if blocks is None:
        if not body.get("text"):
            return "no_text", []
    else:
        problems = block_problems(blocks)
        if problems:
            return "invalid_blocks", problems
        texts = sum(len(block["text"]["text"]) for block in blocks if block["type"] == "section")
        if texts > MAX_BLOCKS_TEXT:
            return "msg_blocks_too_long", []
    if len(body.get("text") or "") > MAX_TEXT:
        return "msg_too_long", []
    return "", []


@dataclass
class Call:
    """One Web API call as the fake saw it, and what it answered."""

    method: str
    token: str
    body: dict
    at: float
    status: int = 200
    error: str = ""
    messages: list[str] = field(default_factory=list)
    ts: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == 200 and not self.error


class FakeSlackApi:
    """Answers Web API calls like Slack does and records each one."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._rate_limited: dict[str, list[int]] = {}  # channel -> [posts still to answer 429, Retry-After]
        self._refused: dict[str, list] = {}  # channel -> [posts still to refuse, error]
        self._clock = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    body = dict(parse_qsl(raw.decode()))
                else:
                    body = json.loads(raw or b"{}")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                status, reply, headers = fake.answer(self.path.rsplit("/", 1)[-1], token, body)
                data = json.dumps(reply).encode()
                self.send_response(status)
                for name, value in {**headers, "Content-Type": "application/json; charset=utf-8"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def answer(self, method: str, token: str, body: dict) -> tuple[int, dict, dict]:
        with self._lock:
            call = Call(method, token, body, time.monotonic())
            self.calls.append(call)
            channel = body.get("channel") if isinstance(body.get("channel"), str) else ""
            if not token:
                call.error = "not_authed"
            elif token != BOT_TOKEN:
                call.error = "invalid_auth"
            elif method != "chat.postMessage":
                call.error = "unknown_method"
            elif self._rate_limited.get(channel, [0])[0] > 0:
                self._rate_limited[channel][0] -= 1
                call.status, call.error = 429, "ratelimited"
                retry_after = str(self._rate_limited[channel][1])
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": retry_after}
            elif self._refused.get(channel, [0])[0] > 0:
                self._refused[channel][0] -= 1
                call.error = self._refused[channel][1]
            else:
                call.error, call.messages = post_message_error(body)
            if call.error:
                reply = {"ok": False, "error": call.error}
                if call.messages:
                    reply["response_metadata"] = {"messages": call.messages}
                return 200, reply, {}
            # Slack's ts: seconds and microseconds, unique within a channel.
            self._clock += 1
            call.ts = f"{int(time.time())}.{self._clock:06d}"
            return 200, {"ok": True, "channel": channel, "ts": call.ts, "message": {**body, "ts": call.ts}}, {}

    def rate_limit(self, channel: str, posts: int, retry_after: int = 1) -> None:
        """The next `posts` posts to `channel` get 429 Too Many Requests with this Retry-After (seconds)."""
        with self._lock:
            self._rate_limited[channel] = [posts, retry_after]

    def refuse(self, channel: str, posts: int, error: str = "internal_error") -> None:
        """The next `posts` posts to `channel` are answered `{"ok": false, "error": error}`."""
        with self._lock:
            self._refused[channel] = [posts, error]

    def posts_to(self, channel: str) -> list[Call]:
        """Every chat.postMessage call to one channel, taken or not, in order."""
        with self._lock:
            return [
                call for call in self.calls if call.method == "chat.postMessage" and call.body.get("channel") == channel
            ]

    def posts(self, channel: str) -> list[dict]:
        """The messages Slack took for one channel, in order: the bodies sent, with the ts Slack gave each."""
        return [{**call.body, "ts": call.ts} for call in self.posts_to(channel) if call.accepted]

    def rejections(self, channel: str) -> list[tuple[str, list[str]]]:
        """The posts to one channel that Slack refused, as (error, messages)."""
        return [(call.error, call.messages) for call in self.posts_to(channel) if not call.accepted]


@contextlib.contextmanager
def fake_slack_api() -> Iterator[FakeSlackApi]:
    fake = FakeSlackApi()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def slack_env(fake: FakeSlackApi, slack_channel: str = "") -> dict:
    """The environment that switches the Slack channel on (tools/launch.py: credentials_file) and aims it at `fake`."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CHANNEL": slack_channel,
        "SLACK_API_URL": fake.url,
    }


def signed_headers(body: bytes, content_type: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict:
    """Slack's signature headers for `body`, computed by slack_sdk."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def message_event(
    user: str, channel: str, text: str, kind: str = "im", ts: str | None = None, thread_ts: str | None = None,
    subtype: str | None = None,
) -> dict:  # fmt: skip
    """An Events API event_callback: a direct message (kind "im"), "app_mention" or a channel "message".

    `thread_ts` makes it a reply in that thread; `subtype` one of Slack's message subtypes (channel_join, ...).
    """
    ts = ts or f"{time.time():.6f}"
    text = slack_escape(text)
    if kind == "im":
        event = {"type": "message", "channel_type": "im"}
    elif kind == "app_mention":
        event = {"type": "app_mention"}
        text = f"<@{BOT_USER}> {text}"
    else:
        event = {"type": "message", "channel_type": "channel"}
    event.update({"user": user, "channel": channel, "text": text, "ts": ts, "event_ts": ts})
    if thread_ts:
        event["thread_ts"] = thread_ts
    if subtype:
        event["subtype"] = subtype
    return {
        "token": "verification-token-unused",
        "team_id": "T0TEST",
        "api_app_id": "A0TEST",
        "type": "event_callback",
        "event_id": new_id("Ev"),
        "event_time": int(float(ts)),
        "authorizations": [{"team_id": "T0TEST", "user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }


def pressed(message: dict, value: str) -> dict | None:
    """The button of a posted message that sends `value`, with its block_id; None if it has none."""
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("value") == value:
                return {**element, "block_id": block.get("block_id")}
    return None


def button_click(user: str, channel: str, value: str, message: dict | None = None) -> bytes:
    """The block_actions request Slack sends when someone presses a button.

    With `message` (a post the fake took), the press is on that message's button that sends `value`,
    as Slack reports it (its ts, thread and the button's ids); without, on a message the bot posted earlier.
    """
    button = pressed(message, value) if message else None
    if message and button is None:
        raise AssertionError(f"the message has no button that sends {value!r}")
    ts = message["ts"] if message else f"{time.time():.6f}"
    container = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False}
    posted = {"type": "message", "ts": ts, "bot_id": "B0TEST", "text": (message or {}).get("text", "")}
    if message and message.get("thread_ts"):
        container["thread_ts"] = posted["thread_ts"] = message["thread_ts"]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0TEST"},
        "api_app_id": "A0TEST",
        "team": {"id": "T0TEST"},
        "trigger_id": new_id("TR"),
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
        "container": container,
        "message": posted,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"] if button else "button-0",
                "block_id": button["block_id"] if button else "buttons-0",
                "text": {"type": "plain_text", "text": button["text"]["text"] if button else value},
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def latest_with_button(fake: FakeSlackApi, channel: str, value: str) -> dict | None:
    """The newest message in `channel` with a button that sends `value`, as a person would press it."""
    return next((post for post in reversed(fake.posts(channel)) if pressed(post, value)), None)


def post_event(
    assistant: RunningAssistant,
    event: dict,
    headers: dict | None = None,
    content_type: str = "application/json",
    instance: int = 0,
) -> requests.Response:
    body = json.dumps(event).encode()
    return requests.post(
        f"{assistant.url(instance)}/webhooks/slack/webhook",
        data=body,
        headers={**signed_headers(body, content_type), **(headers or {})},
        timeout=30,
    )


def post_click(
    assistant: RunningAssistant, user: str, channel: str, value: str, message: dict | None = None, instance: int = 0
) -> requests.Response:
    body = button_click(user, channel, value, message)
    return requests.post(
        f"{assistant.url(instance)}/webhooks/slack/webhook",
        data=body,
        headers=signed_headers(body, "application/x-www-form-urlencoded"),
        timeout=30,
    )


def as_replies(posts: list[dict]) -> list[dict]:
    """Slack messages as text and buttons, like the REST channel's replies: blocks → text, buttons.

    The text is unescaped; its links stay as Slack shows them, <url|title>.
    """
    replies = []
    for post in posts:
        blocks = post.get("blocks") or []
        texts = [block["text"]["text"] for block in blocks if block["type"] == "section"]
        buttons = [
            {"title": element["text"]["text"], "payload": element["value"]}
            for block in blocks
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        reply = {"text": slack_unescape("\n\n".join(texts) if blocks else post["text"])}
        if buttons:
            reply["buttons"] = buttons
        replies.append(reply)
    return replies
