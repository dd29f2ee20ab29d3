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
  must pass the same check as a REST sender; anything else gets a fresh id. A session is
  bound to the socket that opened it: while that socket is connected, another socket asking
  for the same id (or naming it in a message) gets a fresh session of its own, so knowing an
  id is not enough to read or write someone's conversation. When the socket disconnects the
  id is free again, so a page reload continues the conversation.
- Messages. Each goes through the same MessageGate as the REST channel (rasa_server/channels).
  Malformed events (no payload, not an object, no or odd session id, a non-string
  message) get a polite reply or a new session instead of an exception, and a failure
  inside Rasa keeps the conversation and tells the user to try again.

And it adds two things for the widget: a `restart_request` event ("Start over"), which restarts
the socket's conversation in the tracker and answers `restart_confirm`, and GET
`/webhooks/socketio/widget_texts`, the widget's texts from content/interface.yml.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.constants import USER_INTENT_RESTART
from sanic import Blueprint, response
from sanic.request import Request

from advisor.message_checks import FAILURE_REPLY, sender_problem
from advisor.server_settings import RASA_SANIC_DEFAULTS, allowed_origins
from advisor.widget_texts import load_widget_texts
from rasa_server import patches
from rasa_server.channels import MessageGate, handle_or_apologise

MALFORMED_REPLY = "Sorry, I couldn't read that message. Please type your question again."
CONTENT_DIR = Path("content")


def _first(args: tuple) -> Any:
    """The event's payload: socket.io clients may send none, one or several arguments."""
    return args[0] if args else None


class GuardedSocketIOInput(SocketIOInput):
    CHECK_SETTINGS = ("max_message_chars", "domain_path", "encoder_path")

    def __init__(self, origins: frozenset[str] = frozenset(), **options: Any) -> None:
        check_settings = {name: options.pop(name) for name in self.CHECK_SETTINGS if name in options}
        super().__init__(**options)
        self.gate = MessageGate.from_settings(**check_settings)
        self.origins = origins
        self.owners: dict[str, str] = {}  # session id -> the socket that opened it, while it is connected

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        return cls(origins=frozenset(allowed_origins()), **(credentials or {}))

    def origin_allowed(self, origin: str | None) -> bool:
        return origin in self.origins

    async def current_session(self, sid: str) -> str | None:
        return (await self.sio.get_session(sid, namespace=self.namespace)).get("session_id")

    def may_join(self, sid: str, session_id: object) -> bool:
        """A usable session id that no other connected socket holds."""
        return sender_problem(session_id) is None and self.owners.get(session_id, sid) == sid

    async def join(self, sid: str, session_id: str) -> None:
        """Moves the socket into `session_id`'s room, where the bot's replies are sent, and binds the session to it."""
        previous = await self.current_session(sid)
        if previous == session_id:
            return
        if previous:
            await self.sio.leave_room(sid, previous, namespace=self.namespace)
            self.owners.pop(previous, None)
        self.owners[session_id] = sid
        await self.sio.enter_room(sid, session_id, namespace=self.namespace)
        await self.sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)

    async def disconnect(self, sid: str, *reason: Any) -> None:
        for session_id in [session for session, owner in self.owners.items() if owner == sid]:
            del self.owners[session_id]

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
        if not self.may_join(sid, requested):
            await self.new_session(sid)
            return
        await self.join(sid, requested)
        await self.sio.emit("session_confirm", requested, room=sid, namespace=self.namespace)

    async def conversation_of(self, sid: str, data: dict) -> str:
        """The conversation a message belongs to: its session id if this socket may use it, else the socket's own
        session, else a new one."""
        if not self.session_persistence:
            return sid
        requested = data.get("session_id")
        if self.may_join(sid, requested):
            await self.join(sid, requested)
            return requested
        return await self.current_session(sid) or await self.new_session(sid)

    def client_ip(self, sid: str) -> str | None:
        request = (self.sio.get_environ(sid, namespace=self.namespace) or {}).get("sanic.request")
        return (request.remote_addr or request.ip) if request is not None else None

    async def handle_message(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sid: str, *args: Any
    ) -> None:
        data = _first(args)
        if not isinstance(data, dict):
            await self.reply(sid, MALFORMED_REPLY)
            return
        sender = await self.conversation_of(sid, data)
        output = SocketIOOutput(self.sio, self.bot_message_evt)

        async def send(text: str) -> None:
            await self.reply(sender, text)

        async def process(text: str) -> None:
            # Client metadata is not passed on: nothing here uses it, and it would be stored unchecked.
            message = UserMessage(text, output, sender, input_channel=self.name())
            await handle_or_apologise(on_new_message, message, lambda: send(FAILURE_REPLY))

        await self.gate.enter(data.get("message"), sender, self.client_ip(sid), self.name(), send, process)

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
        # The same cap as every request body (advisor/server_settings.py), for websocket frames too.
        sio.eio.max_http_buffer_size = int(
            os.environ.get("SANIC_REQUEST_MAX_SIZE") or RASA_SANIC_DEFAULTS["SANIC_REQUEST_MAX_SIZE"]
        )
        # engine.io only refuses other origins here. The CORS headers on its responses come from
        # Rasa's server-wide CORS (the same ALLOWED_ORIGINS, rasa_server/__main__.py); two
        # Access-Control-Allow-Origin headers would make browsers refuse the response.
        sio.eio._cors_headers = lambda environ: []

        async def handle_message(sid: str, *args: Any) -> None:
            await self.handle_message(on_new_message, sid, *args)

        async def restart(sid: str, *args: Any) -> None:
            await self.restart(on_new_message, sid, *args)

        async def close_refused_polling_session(request: Request) -> None:
            # A long-polling POST over the body limit: Sanic refused it before engine.io saw it.
            if request.path.strip("/").startswith(self.socketio_path.strip("/")) and request.args.get("sid"):
                await sio.eio.disconnect(request.args.get("sid"))

        patches.BODY_TOO_LARGE_HOOKS.append(close_refused_polling_session)

        sio.on("session_request", self.session_request, namespace=self.namespace)
        sio.on("disconnect", self.disconnect, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        sio.on("restart_request", restart, namespace=self.namespace)

        # Read once, at start-up: a mistake in the texts stops the server rather than showing.
        texts = load_widget_texts(CONTENT_DIR)

        @webhook.route("/widget_texts", methods=["GET"])
        async def widget_texts(_: Any) -> Any:
            return response.json(texts)

        return webhook
