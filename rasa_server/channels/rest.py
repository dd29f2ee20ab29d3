"""The REST channel with input checks, served at /webhooks/rest/webhook like Rasa's own.

Malformed requests get a 400 that says what is wrong; unusable messages (empty,
too long, a "/" command naming a Rasa built-in) get a polite reply without
touching the conversation; everything else goes to Rasa as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.message_checks import FAILURE_REPLY, MessageChecks, sender_problem
from rasa_server.channels import handle_or_apologise, health


def _bad_request(problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=400)


def request_problem(body: Any) -> str | None:
    """Why a decoded REST body is not {"sender": ..., "message": ...}, or None when it is one."""
    if not isinstance(body, dict):
        return 'the body must be a JSON object: {"sender": "...", "message": "..."}'
    problem = sender_problem(body.get("sender"))
    if problem:
        return problem
    if "message" not in body or not isinstance(body["message"], (str, type(None))):
        return "'message' is required and must be a string"
    return None


class GuardedRestInput(RestInput):
    def __init__(self, **check_settings: Any) -> None:
        self.checks = MessageChecks.from_settings(**check_settings)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls(**(credentials or {}))

    async def receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        try:
            body = request.json
        except Exception:  # Sanic raises its own error type for unparsable JSON
            return _bad_request("the body must be JSON")
        problem = request_problem(body)
        if problem:
            return _bad_request(problem)
        sender = body["sender"]
        verdict = self.checks.check(body["message"])
        if verdict.reply is not None:
            return response.json([{"recipient_id": sender, "text": verdict.reply}])
        collector = CollectingOutputChannel()

        async def apologise() -> None:
            collector.messages.append({"recipient_id": sender, "text": FAILURE_REPLY})

        message = UserMessage(verdict.text, collector, sender, input_channel=self.name())
        await handle_or_apologise(on_new_message, message, apologise)
        return response.json(collector.messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        return webhook
