"""Rasa's Slack connector, served at /webhooks/slack/webhook, with the fixes this assistant needs.

What it changes from `rasa.core.channels.slack`:

- The url_verification challenge is answered as Slack documents, `{"challenge": "..."}`;
  Rasa 3.6 answers with a bare JSON string, which Slack does not accept.
- Each Slack message is answered once. Rasa skips only retries whose reason is
  `http_timeout`; Slack also retries on `http_error`, `connection_failed` and others, and
  delivers a channel message that mentions the bot twice (as `message` and `app_mention`).
- User text is unescaped (Slack sends "&" as "&amp;") and goes through the same checks as the
  REST channel (advisor/message_checks.py).
- Topic lists keep their buttons. Rasa drops every button when there are more than 5 (the
  old attachments limit); Block Kit allows 25 per actions block.
- Malformed requests get a 400 saying what is wrong, never a 500; unsigned, wrongly
  signed and stale (over 5 minutes) requests get a 401.
- Replies go through rasa_server/channels/slack_client.py to `SLACK_API_URL` (default Slack's
  own), so tests can point them at a fake.
"""

from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.message_checks import DEFAULT_DOMAIN_PATH, DEFAULT_MAX_MESSAGE_CHARS
from rasa_server.channels import health, message_checks
from rasa_server.channels.slack_client import DEFAULT_SLACK_API_URL, AdvisorSlackBot, slack_unescape

logger = logging.getLogger(__name__)

# How many answered messages to remember for spotting Slack's retries and double deliveries.
REMEMBERED_MESSAGES = 10_000


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
        self.checks = message_checks(max_message_chars=max_message_chars, domain_path=domain_path)
        self.api_url = api_url
        self._answered: OrderedDict[str, None] = OrderedDict()

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
            credentials.get("conversation_granularity", "sender"),
            max_message_chars=credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS),
            domain_path=credentials.get("domain_path", DEFAULT_DOMAIN_PATH),
            api_url=os.environ.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL,
        )

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return AdvisorSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def _first_time(self, key: str | None) -> bool:
        """True the first time a message is seen; remembers the last REMEMBERED_MESSAGES."""
        if key is None:
            return True
        if key in self._answered:
            return False
        self._answered[key] = None
        if len(self._answered) > REMEMBERED_MESSAGES:
            self._answered.popitem(last=False)
        return True

    async def _answer(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str,
        metadata: dict[str, Any],
    ) -> HTTPResponse:
        verdict = self.checks.check(text)
        # One Web API call, well within Slack's 3 seconds; sent before answering Slack, so it keeps its place.
        thread_id = metadata.get("thread_id") if self.use_threads else None
        notice = verdict.reply if verdict.reply is not None else verdict.note
        if notice is not None:
            try:
                await self.get_output_channel(metadata.get("out_channel"), thread_id).send_text_message(
                    sender_id, notice
                )
            except Exception:  # a Slack API failure must not turn into a retry storm
                logger.exception("Sending a reply to Slack failed.")
        if verdict.reply is None:
            return await self.process_message(request, on_new_message, verdict.text, sender_id, metadata)
        return response.text("")

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
        if not isinstance(event, dict) or not self._is_user_message(body):
            # Other event types, edits and the bot's own messages need no reply.
            return response.text("")
        metadata = self.get_metadata(request)
        if not self._is_supported_channel(body, metadata):
            return response.text("")
        # A message keeps its channel and ts across retries and across its message/app_mention copies.
        key = f"{event.get('channel')}:{event['ts']}" if event.get("ts") else body.get("event_id")
        if not self._first_time(key):
            logger.debug("Slack sent message %s again; it was already answered.", key)
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        sender = self._get_conversation_id(event.get("user"), metadata.get("out_channel"), metadata.get("thread_id"))
        if not sender:
            return response.text("The event names no user.", status=HTTPStatus.BAD_REQUEST)
        text = slack_unescape(self._sanitize_user_message(event.get("text", ""), metadata.get("users")))
        return await self._answer(request, on_new_message, text, sender, metadata)

    async def _on_interaction(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        try:
            payload = json.loads(request.form["payload"][0])
            sender = payload["user"]["id"]
            action = payload["actions"][0]
        except (KeyError, IndexError, TypeError, ValueError):
            return response.text(
                "Expected a form field 'payload' holding Slack's interaction JSON with a user and an action.",
                status=HTTPStatus.BAD_REQUEST,
            )
        value = self._get_interactive_response(action) if self._is_interactive_message(payload) else None
        if not isinstance(value, str):
            # Link buttons and unsupported elements carry nothing to answer.
            return response.text("")
        metadata = self.get_metadata(request)
        conversation = self._get_conversation_id(sender, metadata.get("out_channel"), metadata.get("thread_id"))
        return await self._answer(request, on_new_message, value, conversation, metadata)

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
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
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
