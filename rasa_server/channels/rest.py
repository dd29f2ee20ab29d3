"""The REST channel with input checks, served at /webhooks/rest/webhook like Rasa's own.

Malformed requests get a 4xx that says what is wrong (a body that is not
`Content-Type: application/json` a 415, so that no web page can post into a conversation
with a plain form or `text/plain` fetch); every message then passes the channel's
MessageGate (rasa_server/channels/__init__.py), which either has Rasa answer it or answers
itself (empty, too long, a command, crisis signposting, too many messages).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.message_checks import FAILURE_REPLY, sender_problem
from rasa_server.channels import MessageGate, handle_or_apologise, health

JSON_ONLY = 'the body must be sent as Content-Type: application/json: {"sender": "...", "message": "..."}'


def _bad_request(problem: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": problem}, status=status)


def is_json(request: Request) -> bool:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower() == "application/json"


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
        self.gate = MessageGate.from_settings(**check_settings)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        return cls(**(credentials or {}))

    async def receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not is_json(request):
            return _bad_request(JSON_ONLY, status=415)
        try:
            body = request.json
        except Exception:  # Sanic raises its own error type for unparsable JSON
            return _bad_request("the body must be JSON")
        problem = request_problem(body)
        if problem:
            return _bad_request(problem)
        sender = body["sender"]
        collector = CollectingOutputChannel()

        async def send(text: str) -> None:
            collector.messages.append({"recipient_id": sender, "text": text})

        async def process(text: str) -> None:
            message = UserMessage(text, collector, sender, input_channel=self.name())
            await handle_or_apologise(on_new_message, message, lambda: send(FAILURE_REPLY))

        ip = request.remote_addr or request.ip
        await self.gate.enter(body["message"], sender, ip, self.name(), send, process, pushes=False)
        return response.json(collector.messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        return webhook
