"""The Rasa server's input channels (credentials.yml names them): REST, socket.io (the website widget) and Slack.

Each one checks what users send with the core's message checks (advisor/message_checks.py)
before Rasa sees it, and uses what this module shares.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


async def health(_: Request) -> HTTPResponse:
    """GET on a channel's root: the channel is up."""
    return response.json({"status": "ok"})


async def handle_or_apologise(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    apologise: Callable[[], Awaitable[None]],
) -> None:
    """Lets Rasa handle `message`; if that fails, the tracker keeps the conversation and `apologise` tells the user."""
    try:
        await on_new_message(message)
    except Exception:
        logger.exception("Processing a %s message failed.", message.input_channel)
        await apologise()
