"""Rasa's Slack connector, served at /webhooks/slack/webhook, with the fixes this assistant needs.

What it changes from `rasa.core.channels.slack`:

- The url_verification challenge is answered as Slack documents, `{"challenge": "..."}`;
  Rasa 3.6 answers with a bare JSON string, which Slack does not accept.
- Each Slack message is answered once. Rasa skips only retries whose reason is
  `http_timeout`; Slack also retries on `http_error`, `connection_failed` and others, and
  delivers a channel message that mentions the bot twice (as `message` and `app_mention`).
- User text is unescaped (Slack sends "&" as "&amp;") and goes through the same checks as the
  REST channel (advisor_channels/guard.py).
- Topic lists keep their buttons. Rasa drops every button when there are more than 5 (the
  old attachments limit); Block Kit allows 25 per actions block.
- Malformed requests get a 400 saying what is wrong, never a 500; unsigned, wrongly
  signed and stale (over 5 minutes) requests get a 401.
- Replies go to `SLACK_API_URL` (default Slack's own), so tests can point them at a fake.
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
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from advisor_channels.guard import DEFAULT_MAX_MESSAGE_CHARS, MessageChecks

logger = logging.getLogger(__name__)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Block Kit limits: elements in one actions block, characters in a button's label.
BUTTONS_PER_ACTIONS_BLOCK = 25
BUTTON_LABEL_CHARS = 75
# How many answered messages to remember for spotting Slack's retries and double deliveries.
REMEMBERED_MESSAGES = 10_000


def slack_escape(text: str) -> str:
    """Slack reads &, < and > as control characters in message text; these are its escapes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_unescape(text: str) -> str:
    """What a person typed: Slack sends &, < and > in message text as these escapes."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _label(title: str) -> str:
    return title if len(title) <= BUTTON_LABEL_CHARS else title[: BUTTON_LABEL_CHARS - 1] + "…"


class AdvisorSlackBot(SlackBot):
    """Posts replies through the Web API at `api_url`; keeps every button as a Block Kit button."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = DEFAULT_SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, slack_escape(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        escaped = slack_escape(text)
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": _label(button["title"])},
                "value": button["payload"],
            }
            for button in buttons
        ]
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": escaped}}] + [
            {"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS_BLOCK]}
            for start in range(0, len(elements), BUTTONS_PER_ACTIONS_BLOCK)
        ]
        # `text` is what notifications and screen readers show for a message with blocks.
        await self._post_message(channel=self.slack_channel or recipient_id, text=escaped, blocks=blocks)


class GuardedSlackInput(MessageChecks, SlackInput):
    """The Slack Events API and interactivity endpoint. See the module docstring for what it changes."""

    def __init__(
        self,
        *args: Any,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        domain_path: str = "domain.yml",
        api_url: str = DEFAULT_SLACK_API_URL,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.configure_checks(max_message_chars, domain_path)
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
            domain_path=credentials.get("domain_path", "domain.yml"),
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
        verdict = self.check_text(text)
        if verdict.reply is None:
            return await self.process_message(request, on_new_message, verdict.text, sender_id, metadata)
        # One Web API call, well within Slack's 3 seconds; sent before answering Slack, so it keeps its place.
        thread_id = metadata.get("thread_id") if self.use_threads else None
        try:
            await self.get_output_channel(metadata.get("out_channel"), thread_id).send_text_message(
                sender_id, verdict.reply
            )
        except Exception:  # a Slack API failure must not turn into a retry storm
            logger.exception("Sending a reply to Slack failed.")
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

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

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
