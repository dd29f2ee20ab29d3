"""Rasa's socket.io channel with the same input checks as the REST channel, and origins from ALLOWED_ORIGINS.

Rasa's handler trusts every event: a `user_uttered` whose data is not an object, whose
`session_id` or `message` is not a string, or whose metadata is not JSON raises inside the
handler, so the user never gets an answer; a typed "/restart" wipes the conversation; and
its engine.io server accepts connections from every web origin. This subclass keeps Rasa's
handlers and wraps the message handler:

- `session_request` joins the session's room (Rasa 3.6 never does: it does not await
  python-socketio 5's coroutine `enter_room`, so with session persistence no reply arrives);
- an unusable event (not an object, a missing or malformed `session_id`, a `message` that is
  not a string) gets a bot message saying what is wrong; client metadata is dropped;
- the message goes through `advisor_channels.guard.check_message` (empty, too long, "/"
  commands, control characters), as on REST;
- a failure inside Rasa gets "please try again", and the conversation is kept;
- only the origins in ALLOWED_ORIGINS may connect (the page's own origin when it is unset).

Socket.io itself closes a connection that sends one packet over 1 MB (engine.io's
`max_http_buffer_size`); the server stays up and other connections are unaffected.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from advisor_channels.allowed_origins import allowed_origins
from advisor_channels.guard import DEFAULT_MAX_MESSAGE_CHARS, check_message, sender_problem, user_intents

logger = logging.getLogger(__name__)

FAILURE_REPLY = "Sorry, something went wrong on my side. Please try again."


def event_problem(data: object, session_persistence: bool) -> str | None:
    """Why a `user_uttered` event's data is unusable, or None when it can go on to the message checks."""
    if not isinstance(data, dict):
        return 'Sorry, I could not read that. Send {"message": "...", "session_id": "..."}.'
    if session_persistence and sender_problem(data.get("session_id")):
        return "Sorry, this chat has no valid session id. Please reload the page to start again."
    if "message" in data and not isinstance(data["message"], (str, type(None))):
        return "Sorry, I could not read that message. Please type your question as text."
    return None


class GuardedSocketIOInput(SocketIOInput):
    max_message_chars = DEFAULT_MAX_MESSAGE_CHARS
    allowed_intents: frozenset[str] = frozenset()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        """Rasa's settings (events, session persistence, ...) plus `max_message_chars` and `domain_path`."""
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.max_message_chars = int(credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS))
        channel.allowed_intents = user_intents(Path(credentials.get("domain_path", "domain.yml")))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        # None lets only the page's own origin connect; Rasa passes [], which lets every origin in.
        sio.eio.cors_allowed_origins = allowed_origins() or None
        namespace = self.namespace or "/"
        rasa_handle_message = sio.handlers[namespace][self.user_message_evt]

        async def reply(sid: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=namespace)

        async def guarded_session_request(sid: str, data: object = None) -> None:
            """Rasa's, with the room joined: Rasa 3.6 calls the coroutine `enter_room` without awaiting it."""
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if sender_problem(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def guarded_handle_message(sid: str, data: object = None) -> None:
            problem = event_problem(data, self.session_persistence)
            if problem:
                await reply(sid, problem)
                return
            verdict = check_message(data.get("message"), self.allowed_intents, self.max_message_chars)
            if verdict.reply is not None:
                await reply(sid, verdict.reply)
                return
            if self.session_persistence:  # the replies go to the session's room
                await sio.enter_room(sid, data["session_id"], namespace=namespace)
            try:
                # Only the message and its session: client metadata would be stored in the
                # conversation unchecked, and nothing here uses it.
                await rasa_handle_message(sid, {"message": verdict.text, "session_id": data.get("session_id")})
            except Exception:
                # The tracker keeps the conversation; the user is told to try again.
                logger.exception("Processing a socket.io message failed.")
                await reply(sid, FAILURE_REPLY)

        sio.on("session_request", namespace=namespace)(guarded_session_request)
        sio.on(self.user_message_evt, namespace=namespace)(guarded_handle_message)
        return webhook
