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
- Messages. Each goes through the same checks as the REST channel (`guard.py`).
  Malformed events (no payload, not an object, no or odd session id, a non-string
  message) get a polite reply or a new session instead of an exception, and a failure
  inside Rasa keeps the conversation and tells the user to try again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from advisor_channels.allowed_origins import allowed_origins
from advisor_channels.guard import (
    DEFAULT_MAX_MESSAGE_CHARS,
    FAILURE_REPLY,
    MessageChecks,
    sender_problem,
)

logger = logging.getLogger(__name__)

MALFORMED_REPLY = "Sorry, I couldn't read that message. Please type your question again."


def _first(args: tuple) -> Any:
    """The event's payload: socket.io clients may send none, one or several arguments."""
    return args[0] if args else None


class GuardedSocketIOInput(MessageChecks, SocketIOInput):
    def __init__(
        self,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        domain_path: str = "domain.yml",
        origins: frozenset[str] = frozenset(),
        **socketio_options: Any,
    ) -> None:
        super().__init__(**socketio_options)
        self.configure_checks(max_message_chars, domain_path)
        self.origins = origins

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        return cls(origins=frozenset(allowed_origins()), **(credentials or {}))

    def origin_allowed(self, origin: str | None) -> bool:
        return origin in self.origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        # A callable, never a list: python-engineio treats an empty list as "check nothing".
        # Requests without an Origin header (non-browser clients) are not subject to CORS.
        sio.eio.cors_allowed_origins = self.origin_allowed
        sio.eio.cors_credentials = False
        # engine.io only refuses other origins here. The CORS headers on its responses come from
        # Rasa's server-wide CORS (the same ALLOWED_ORIGINS, scripts/rasa_quiet.py); two
        # Access-Control-Allow-Origin headers would make browsers refuse the response.
        sio.eio._cors_headers = lambda environ: []

        async def join(sid: str, session_id: str) -> None:
            """Moves the socket into `session_id`'s room, where the bot's replies are sent."""
            previous = (await sio.get_session(sid, namespace=self.namespace)).get("session_id")
            if previous == session_id:
                return
            if previous:
                await sio.leave_room(sid, previous, namespace=self.namespace)
            await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)

        async def new_session(sid: str) -> str:
            session_id = uuid.uuid4().hex
            await join(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            return session_id

        async def reply(room: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=room, namespace=self.namespace)

        async def session_request(sid: str, *args: Any) -> None:
            data = _first(args)
            requested = data.get("session_id") if isinstance(data, dict) else None
            if sender_problem(requested) is not None:
                await new_session(sid)
                return
            await join(sid, requested)
            await sio.emit("session_confirm", requested, room=sid, namespace=self.namespace)

        async def conversation_of(sid: str, data: dict) -> str:
            """The conversation a message belongs to: its valid session id, else the socket's, else a new one."""
            if not self.session_persistence:
                return sid
            requested = data.get("session_id")
            if sender_problem(requested) is None:
                await join(sid, requested)
                return requested
            current = (await sio.get_session(sid, namespace=self.namespace)).get("session_id")
            return current or await new_session(sid)

        async def handle_message(sid: str, *args: Any) -> None:
            data = _first(args)
            if not isinstance(data, dict):
                await reply(sid, MALFORMED_REPLY)
                return
            sender = await conversation_of(sid, data)
            verdict = self.check_text(data.get("message"))
            if verdict.reply is not None:
                await reply(sid, verdict.reply)
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            try:
                # Client metadata is not passed on: nothing here uses it, and it would be stored unchecked.
                await on_new_message(UserMessage(verdict.text, output, sender, input_channel=self.name()))
            except Exception:
                logger.exception("Processing a socket.io message failed.")
                await reply(sender, FAILURE_REPLY)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return webhook
