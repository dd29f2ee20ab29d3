"""Rasa's socket.io channel (the website widget's) with input checks and configured allowed origins.

It keeps Rasa's channel name "socketio", its events, its JWT check on connect and its
output (text split into one message per paragraph, buttons as `quick_replies` on the
last one), and replaces three things in Rasa 3.6's SocketIOInput:

- Origins. Rasa builds its socket.io server with `cors_allowed_origins=[]`, which
  python-engineio reads as "no origin check at all": any website could open a socket
  to the assistant. Here only the origins in ALLOWED_ORIGINS may connect.
- Sessions. Rasa's `session_request` calls the coroutine `sio.enter_room` without
  awaiting it (RasaHQ/rasa#13027), so with `session_persistence` the socket never joins
  its session's room and never receives a reply. Here it is awaited, and the session id
  must pass the same check as a REST sender; anything else gets a fresh id.
- Messages. Each goes through the same checks as the REST channel (advisor/message_checks.py).
  Malformed events (no payload, not an object, no or odd session id, a non-string
  message) get a polite reply or a new session instead of an exception, and a failure
  inside Rasa keeps the conversation and tells the user to try again.

And it adds two things for the widget: a `restart_request` event ("Start over"), which restarts
the socket's conversation in the tracker and answers `restart_confirm`, and GET
`/webhooks/socketio/widget_texts`, the widget's texts from content/interface.yml.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.constants import USER_INTENT_RESTART
from sanic import Blueprint, response

from advisor.message_checks import (
    DEFAULT_DOMAIN_PATH,
    DEFAULT_MAX_MESSAGE_CHARS,
    FAILURE_REPLY,
    MessageChecks,
    sender_problem,
)
from advisor.server_settings import allowed_origins
from advisor.widget_texts import load_widget_texts
from rasa_server.channels import handle_or_apologise

MALFORMED_REPLY = "Sorry, I couldn't read that message. Please type your question again."
CONTENT_DIR = Path("content")


def _first(args: tuple) -> Any:
    """The event's payload: socket.io clients may send none, one or several arguments."""
    return args[0] if args else None


class GuardedSocketIOInput(SocketIOInput):
    def __init__(
        self,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        domain_path: str = DEFAULT_DOMAIN_PATH,
        origins: frozenset[str] = frozenset(),
        **socketio_options: Any,
    ) -> None:
        super().__init__(**socketio_options)
        self.checks = MessageChecks.from_settings(max_message_chars, domain_path)
        self.origins = origins

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        return cls(origins=frozenset(allowed_origins()), **(credentials or {}))

    def origin_allowed(self, origin: str | None) -> bool:
        return origin in self.origins

    async def join(self, sid: str, session_id: str) -> None:
        """Moves the socket into `session_id`'s room, where the bot's replies are sent."""
        previous = (await self.sio.get_session(sid, namespace=self.namespace)).get("session_id")
        if previous == session_id:
            return
        if previous:
            await self.sio.leave_room(sid, previous, namespace=self.namespace)
        await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)

    async def new_session(self, sid: str) -> str:
        session_id = uuid.uuid4().hex
        await self.join(sid, session_id)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
        return session_id

    async def reply(self, room: str, text: str) -> None:
        await self.sio.emit(self.bot_message_evt, {"text": text}, room=room, namespace=self.namespace)

    async def session_request(self, sid: str, *args: Any) -> None:
        data = _first(args)
        requested = data.get("session_id") if isinstance(data, dict) else None
        if sender_problem(requested) is not None:
            await self.new_session(sid)
            return
        await self.join(sid, requested)
        await self.sio.emit("session_confirm", requested, room=sid, namespace=self.namespace)

    async def conversation_of(self, sid: str, data: dict) -> str:
        """The conversation a message belongs to: its valid session id, else the socket's, else a new one."""
        if not self.session_persistence:
            return sid
        requested = data.get("session_id")
        if sender_problem(requested) is None:
            await self.join(sid, requested)
            return requested
        current = (await self.sio.get_session(sid, namespace=self.namespace)).get("session_id")
        return current or await self.new_session(sid)

    async def handle_message(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sid: str, *args: Any
    ) -> None:
        data = _first(args)
        if not isinstance(data, dict):
            await self.reply(sid, MALFORMED_REPLY)
            return
        sender = await self.conversation_of(sid, data)
        verdict = self.checks.check(data.get("message"))
        if verdict.reply is not None:
            await self.reply(sid, verdict.reply)
            return
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        # Client metadata is not passed on: nothing here uses it, and it would be stored unchecked.
        message = UserMessage(verdict.text, output, sender, input_channel=self.name())
        await handle_or_apologise(on_new_message, message, lambda: self.reply(sender, FAILURE_REPLY))

    async def restart(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sid: str, *args: Any) -> None:
        """ "Start over": Rasa's own restart of the conversation (what a trusted "/restart" does), then
        `restart_confirm`. It is sent here, not typed: the message checks refuse "/restart" from users."""
        data = _first(args)
        sender = await self.conversation_of(sid, data if isinstance(data, dict) else {})
        output = SocketIOOutput(self.sio, self.bot_message_evt)
        message = UserMessage(f"/{USER_INTENT_RESTART}", output, sender, input_channel=self.name())
        await handle_or_apologise(on_new_message, message, lambda: self.reply(sender, FAILURE_REPLY))
        await self.sio.emit("restart_confirm", sender, room=sid, namespace=self.namespace)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        # A callable, never a list: python-engineio treats an empty list as "check nothing".
        # Requests without an Origin header (non-browser clients) are not subject to CORS.
        sio.eio.cors_allowed_origins = self.origin_allowed
        sio.eio.cors_credentials = False
        # engine.io only refuses other origins here. The CORS headers on its responses come from
        # Rasa's server-wide CORS (the same ALLOWED_ORIGINS, rasa_server/__main__.py); two
        # Access-Control-Allow-Origin headers would make browsers refuse the response.
        sio.eio._cors_headers = lambda environ: []

        async def handle_message(sid: str, *args: Any) -> None:
            await self.handle_message(on_new_message, sid, *args)

        async def restart(sid: str, *args: Any) -> None:
            await self.restart(on_new_message, sid, *args)

        sio.on("session_request", self.session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        sio.on("restart_request", restart, namespace=self.namespace)

        # Read once, at start-up: a mistake in the texts stops the server rather than showing.
        texts = load_widget_texts(CONTENT_DIR)

        @webhook.route("/widget_texts", methods=["GET"])
        async def widget_texts(_: Any) -> Any:
            return response.json(texts)

        return webhook
