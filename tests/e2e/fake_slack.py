"""A local stand-in for Slack: its Web API (which records the bot's replies) and its signed requests.

The assistant's Slack channel posts replies to `SLACK_API_URL`; tests point that at `FakeSlackApi.url`.
Requests to the assistant are built and signed the way Slack builds and signs them:
https://api.slack.com/authentication/verifying-requests-from-slack
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import requests

from rasa_server.channels.slack_client import slack_escape, slack_unescape
from tests.e2e.servers import RunningAssistant

BOT_TOKEN = "xoxb-test-" + uuid.uuid4().hex
SIGNING_SECRET = uuid.uuid4().hex
BOT_USER = "UBOT00001"


class FakeSlackApi:
    """Answers Web API calls like Slack does and records each one as (method, token, JSON body)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict]] = []
        lock = threading.Lock()
        calls = self.calls

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                method = self.path.rsplit("/", 1)[-1]
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with lock:
                    calls.append((method, token, body))
                if token != BOT_TOKEN:
                    reply = {"ok": False, "error": "invalid_auth"}
                else:
                    ts = f"{time.time():.6f}"
                    reply = {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {**body, "ts": ts}}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def posts(self, channel: str) -> list[dict]:
        """The chat.postMessage bodies sent to one channel, in order."""
        return [
            body for method, _, body in list(self.calls) if method == "chat.postMessage" and body["channel"] == channel
        ]


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
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def message_event(user: str, channel: str, text: str, kind: str = "im", ts: str | None = None) -> dict:
    """An Events API event_callback: a direct message (kind "im"), "app_mention" or a channel "message"."""
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


def button_click(user: str, channel: str, value: str) -> bytes:
    """The interactivity request Slack sends when someone clicks a Block Kit button (a block_actions payload)."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0TEST"},
        "team": {"id": "T0TEST"},
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel},
        "message": {"type": "message", "ts": f"{time.time():.6f}", "bot_id": "B0TEST"},
        "actions": [{"type": "button", "action_id": "topic", "block_id": "topics", "value": value}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_event(assistant: RunningAssistant, event: dict, headers: dict | None = None) -> requests.Response:
    body = json.dumps(event).encode()
    return requests.post(
        f"{assistant.base}/webhooks/slack/webhook",
        data=body,
        headers={**signed_headers(body, "application/json"), **(headers or {})},
        timeout=30,
    )


def post_click(assistant: RunningAssistant, user: str, channel: str, value: str) -> requests.Response:
    body = button_click(user, channel, value)
    return requests.post(
        f"{assistant.base}/webhooks/slack/webhook",
        data=body,
        headers=signed_headers(body, "application/x-www-form-urlencoded"),
        timeout=30,
    )


def as_replies(posts: list[dict]) -> list[dict]:
    """Slack messages as text and buttons, like the REST channel's replies: blocks → text, buttons."""
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
