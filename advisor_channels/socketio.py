"""Rasa's socket.io channel with working session persistence and the same input checks as REST.

Stand-in for the website widget's channel, which is built on another branch under the same
name and credentials keys; this one holds only what the channel tests need:

- Rasa 3.6 calls the coroutine `sio.enter_room(...)` without `await` (RasaHQ/rasa#13027), so
  with `session_persistence: true` the client never joins its session's room and never
  receives a reply. Here it is awaited.
- Each message goes through advisor_channels/guard.py, as on REST and Slack.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from advisor_channels.guard import DEFAULT_MAX_MESSAGE_CHARS, check_message, user_intents


class GuardedSocketIOInput(SocketIOInput):
    def __init__(
        self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS, domain_path: str = "domain.yml", **options: Any
    ) -> None:
        super().__init__(**options)
        self.max_message_chars = int(max_message_chars)
        self.allowed_intents = user_intents(Path(domain_path))

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedSocketIOInput:
        return cls(**(credentials or {}))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            session_id = (data.get("session_id") if isinstance(data, dict) else None) or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                return
            sender = data.get("session_id") if self.session_persistence else sid
            if not isinstance(sender, str) or not sender:
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            verdict = check_message(data.get("message"), self.allowed_intents, self.max_message_chars)
            if verdict.reply is not None:
                await output.send_text_message(sender, verdict.reply)
                return
            metadata = data.get(self.metadata_key)
            await on_new_message(
                UserMessage(
                    verdict.text,
                    output,
                    sender,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                )
            )

        return socketio_webhook
