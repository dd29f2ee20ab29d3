"""Rasa's Slack connector, served at /webhooks/slack/webhook, with the fixes this assistant needs.

What it changes from `rasa.core.channels.slack`:

- The url_verification challenge is answered as Slack documents, `{"challenge": "..."}`;
  Rasa 3.6 answers with a bare JSON string, which Slack does not accept.
- Each Slack message is answered once, and a double click on a button once. Slack retries a
  delivery it thinks failed and delivers a channel message that mentions the bot twice (as
  `message` and `app_mention`); both keep the message's channel and ts. Rasa drops every
  `http_timeout` retry, even one of a message this process never saw (after a restart). Here
  what was answered is remembered for a while: in this process, or, when Rasa's lock store is
  Redis (several instances), in that Redis, so every instance and a restarted one know it.
- The reply goes where the person wrote: to the channel or DM, in the thread if they wrote in
  one (or pressed a button on a message in one). A DM is its own conversation, and so is each
  channel (the conversation id is `user_channel`): a route check started in a DM never shows in
  a channel. Channel housekeeping (joins, topic and purpose changes) is not answered.
- The content type is read whatever its parameters (`application/json; charset=utf-8`).
- User text is unescaped (Slack sends "&" as "&amp;") and goes through the same checks as the
  REST channel (advisor/message_checks.py).
- Malformed requests get a 400 saying what is wrong, never a 500; unsigned, wrongly
  signed and stale (over 5 minutes) requests get a 401.
- Replies go through rasa_server/channels/slack_client.py (one message per reply, within Slack's
  limits, 429s retried) to `SLACK_API_URL` (default Slack's own), so tests can point them at a fake.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from http import HTTPStatus
from typing import Any

from rasa.core import lock_store
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.message_checks import DEFAULT_DOMAIN_PATH, DEFAULT_MAX_MESSAGE_CHARS, FAILURE_REPLY, MessageChecks
from rasa_server.channels import health
from rasa_server.channels.slack_client import DEFAULT_SLACK_API_URL, AdvisorSlackBot, slack_unescape

logger = logging.getLogger(__name__)

# How long a message stays recognised: Slack retries a delivery three times, the last about 5 minutes on.
MESSAGE_MEMORY_SECONDS = 3600
# Two presses of the same button on the same message within this time are one double click.
DOUBLE_CLICK_SECONDS = 5
# How long a request waits for a reply the channel sends itself (Slack wants its 200 within 3 seconds).
ACK_WAIT_SECONDS = 2
# The most keys one process remembers when there is no Redis (the oldest are forgotten first).
REMEMBERED_KEYS = 10_000
# Message subtypes that are something a person wrote; the others (channel_join, channel_topic,
# channel_purpose, message_changed, ...) are Slack's housekeeping and get no answer.
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def media_type(request: Request) -> str:
    """`application/json; charset=utf-8` → `application/json`."""
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def conversation_id(user: str, channel: str | None, direct_message: bool) -> str:
    """A DM is the user's own conversation; in a channel, each user has one conversation per channel."""
    return user if direct_message or not channel else f"{user}_{channel}"


class RecentKeys:
    """Keys seen lately, in this process: each for its own number of seconds, at most REMEMBERED_KEYS of them."""

    def __init__(self) -> None:
        self._expiry: OrderedDict[str, float] = OrderedDict()

    async def first_time(self, key: str, seconds: float) -> bool:
        now = time.monotonic()
        if self._expiry.get(key, 0.0) > now:
            return False
        self._expiry[key] = now + seconds
        self._expiry.move_to_end(key)
        while len(self._expiry) > REMEMBERED_KEYS:
            self._expiry.popitem(last=False)
        return True


class RedisRecentKeys:
    """Keys seen lately, in the lock store's Redis, so that every Rasa instance (and a restarted one) knows them."""

    def __init__(self, red: Any, prefix: str) -> None:
        self.red = red
        self.prefix = prefix

    async def first_time(self, key: str, seconds: float) -> bool:
        try:
            # SET NX is atomic: of two instances given the same key at once, exactly one sets it.
            stored = await asyncio.to_thread(self.red.set, self.prefix + key, 1, nx=True, ex=int(seconds))
        except RedisError:
            logger.exception("Redis did not answer; the Slack request %s is handled as new.", key)
            return True
        return bool(stored)


class GuardedSlackInput(SlackInput):
    """The Slack Events API and interactivity endpoint. See the module docstring for what it changes."""

    def __init__(
        self,
        *args: Any,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        domain_path: str = DEFAULT_DOMAIN_PATH,
        api_url: str = DEFAULT_SLACK_API_URL,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.checks = MessageChecks.from_settings(max_message_chars, domain_path)
        self.api_url = api_url
        self._recent: RecentKeys | RedisRecentKeys | None = None
        self._tasks: set[asyncio.Task] = set()

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSlackInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("slack_token"),
            credentials.get("slack_channel") or None,
            credentials.get("proxy"),
            credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            credentials.get("errors_ignore_retry"),
            credentials.get("use_threads", False),
            credentials.get("slack_signing_secret", ""),
            # Rasa's conversation_granularity is not used: conversation_id() decides (per DM, per channel).
            None,
            max_message_chars=credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS),
            domain_path=credentials.get("domain_path", DEFAULT_DOMAIN_PATH),
            api_url=os.environ.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
        )

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return AdvisorSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def recent_keys(self, request: Request) -> RecentKeys | RedisRecentKeys:
        """The lock store's Redis when Rasa runs with one (several instances), else this process's memory."""
        if self._recent is None:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None:  # Rasa is still loading; decide once it has its lock store
                return RecentKeys()
            store = agent.lock_store
            if isinstance(store, lock_store.RedisLockStore):
                self._recent = RedisRecentKeys(store.red, f"{store.key_prefix}slack_seen:")
            else:
                self._recent = RecentKeys()
        return self._recent

    def _schedule(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task:
        # Slack wants its HTTP 200 within 3 seconds, so the answer runs after it; the task is kept
        # referenced until it ends (https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task).
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @staticmethod
    async def _handle(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> None:
        """Rasa handles the message; if Rasa fails, the person is told to try again (the conversation is kept)."""
        try:
            await on_new_message(message)
        except Exception:  # in the background, an exception would reach no one: the person would hear nothing
            logger.exception("Rasa failed while handling a Slack message for %s.", message.sender_id)
            await message.output_channel.send_text_message(message.sender_id, FAILURE_REPLY)

    async def _answer(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str,
        channel: str | None,
        thread: str | None,
    ) -> HTTPResponse:
        output = self.get_output_channel(channel, thread)
        verdict = self.checks.check(text)
        if verdict.reply is None:
            metadata = {"out_channel": channel, "thread_id": thread}
            message = UserMessage(verdict.text, output, sender_id, input_channel=self.name(), metadata=metadata)
            self._schedule(self._handle(on_new_message, message))
        else:
            # One post, usually done in milliseconds: waiting for it keeps it before the replies to
            # what the person sends next. Under a rate limit it finishes after Slack has its 200.
            await asyncio.wait(
                {self._schedule(output.send_text_message(sender_id, verdict.reply))}, timeout=ACK_WAIT_SECONDS
            )
        return response.text("")

    @staticmethod
    def _is_person_message(event: dict[str, Any]) -> bool:
        return event.get("subtype") in PERSON_SUBTYPES and SlackInput._is_user_message({"event": event})

    async def _on_event(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            body = json.loads(request.body)
        except ValueError:
            return response.text("The body must be JSON.", status=HTTPStatus.BAD_REQUEST)
        if not isinstance(body, dict):
            return response.text("The body must be a JSON object.", status=HTTPStatus.BAD_REQUEST)
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge", "")})
        event = body.get("event")
        if not isinstance(event, dict) or not self._is_person_message(event):
            # Other event types, edits, housekeeping and the bot's own messages need no reply.
            return response.text("")
        channel = event.get("channel")
        direct = event.get("channel_type") == "im"
        if not (direct or event.get("type") == "app_mention" or (channel and channel == self.slack_channel)):
            return response.text("")
        user = event.get("user")
        if not isinstance(user, str) or not user:
            return response.text("The event names no user.", status=HTTPStatus.BAD_REQUEST)
        # A message keeps its channel and ts across retries and across its message/app_mention copies.
        key = f"message:{channel}:{event['ts']}" if event.get("ts") else f"event:{body.get('event_id')}"
        if not await self.recent_keys(request).first_time(key, MESSAGE_MEMORY_SECONDS):
            logger.debug("Slack sent message %s again; it was already answered.", key)
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        bot_users = [each.get("user_id") for each in body.get("authorizations") or [] if isinstance(each, dict)]
        text = slack_unescape(self._sanitize_user_message(event.get("text", ""), bot_users))
        thread = event.get("thread_ts") or (event.get("ts") if self.use_threads else None)
        return await self._answer(on_new_message, text, conversation_id(user, channel, direct), channel, thread)

    async def _on_interaction(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            payload = json.loads(request.form["payload"][0])
            user = payload["user"]["id"]
            action = payload["actions"][0]
            message = payload.get("message") or {}
            container = payload.get("container") or {}
            channel = (payload.get("channel") or {}).get("id") or container.get("channel_id")
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            return response.text(
                "Expected a form field 'payload' holding Slack's interaction JSON with a user and an action.",
                status=HTTPStatus.BAD_REQUEST,
            )
        value = self._get_interactive_response(action) if self._is_interactive_message(payload) else None
        if not isinstance(value, str) or not isinstance(user, str):
            # Link buttons and unsupported elements carry nothing to answer.
            return response.text("")
        click = f"click:{user}:{channel}:{message.get('ts')}:{action.get('action_id') or value}"
        if not await self.recent_keys(request).first_time(click, DOUBLE_CLICK_SECONDS):
            logger.debug("A second press of the same button (%s) within %s s is ignored.", click, DOUBLE_CLICK_SECONDS)
            return response.text("")
        thread = (
            message.get("thread_ts") or container.get("thread_ts") or (message.get("ts") if self.use_threads else None)
        )
        # Slack's ids for direct-message channels start with D.
        direct = isinstance(channel, str) and channel.startswith("D")
        return await self._answer(on_new_message, value, conversation_id(user, channel, direct), channel, thread)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("guarded_slack_webhook", __name__)
        slack_webhook.add_route(health, "/", methods=["GET"])

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text(
                    "The request is not signed with this app's signing secret, or is more than 5 minutes old.",
                    status=HTTPStatus.UNAUTHORIZED,
                )
            content_type = media_type(request)
            try:
                if content_type == "application/json":
                    return await self._on_event(request, on_new_message)
                if content_type == "application/x-www-form-urlencoded":
                    return await self._on_interaction(request, on_new_message)
            except (AttributeError, KeyError, IndexError, TypeError):
                # Fields of the wrong shape, read by Rasa's parsing helpers.
                logger.warning("A signed Slack request had an unexpected shape.", exc_info=True)
                return response.text("The request's fields do not have Slack's shape.", status=HTTPStatus.BAD_REQUEST)
            return response.text(
                "Expected Slack's Events API JSON or an interactivity form.", status=HTTPStatus.BAD_REQUEST
            )

        return slack_webhook
