"""The REST channel with input checks, served at /webhooks/rest/webhook like Rasa's own.

Malformed requests get a 400 that says what is wrong; unusable messages (empty,
too long, a "/" command naming a Rasa built-in) get a polite reply without
touching the conversation; everything else goes to Rasa as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor_channels.guard import (
    DEFAULT_MAX_MESSAGE_CHARS,
    FAILURE_REPLY,
    MessageChecks,
    sender_problem,
)

logger = logging.getLogger(__name__)


def _bad_request(problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=400)


class GuardedRestInput(MessageChecks, RestInput):
    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS, domain_path: str = "domain.yml") -> None:
        self.configure_checks(max_message_chars, domain_path)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls(**(credentials or {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # Sanic raises its own error type for unparsable JSON
                return _bad_request("the body must be JSON")
            if not isinstance(body, dict):
                return _bad_request('the body must be a JSON object: {"sender": "...", "message": "..."}')
            sender = body.get("sender")
            problem = sender_problem(sender)
            if problem:
                return _bad_request(problem)
            if "message" not in body or not isinstance(body["message"], (str, type(None))):
                return _bad_request("'message' is required and must be a string")

            verdict = self.check_text(body["message"])
            if verdict.reply is not None:
                return response.json([{"recipient_id": sender, "text": verdict.reply}])

            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(verdict.text, collector, sender, input_channel=self.name()))
            except Exception:
                # The tracker keeps the conversation; the user is told to try again.
                logger.exception("Processing a REST message failed.")
                collector.messages.append({"recipient_id": sender, "text": FAILURE_REPLY})
            return response.json(collector.messages)

        return webhook
