"""The Rasa server's input channels (credentials.yml names them): REST, socket.io (the website widget) and Slack.

Each one passes what users send through a MessageGate before Rasa sees it: the core's
message checks (advisor/message_checks.py: length, cleaning, crisis signposting, commands,
personal data), then the rate limits and the per-conversation queue limit below. Every
message gets an answer: Rasa's, or a reply saying why not ("too many messages", "one moment").
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from advisor.message_checks import MessageChecks
from advisor.server_settings import MessageLimits, message_limits

logger = logging.getLogger(__name__)

DEFAULT_ENCODER_PATH = "build/minilm"
WINDOW_SECONDS = 60
REDIS_KEY_PREFIX = "hsst-advisor:rate:"

Send = Callable[[str], Awaitable[None]]


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


def _sentence_encoder(encoder_path: str):
    # Imported here: the encoder is loaded once per process (the NLU featurizer's own), when a channel needs it.
    from rasa_server.nlu.sentence_encoder import SentenceEncoder

    return SentenceEncoder.shared(Path(encoder_path).resolve())


def message_checks(encoder_path: str = DEFAULT_ENCODER_PATH, **settings: Any) -> MessageChecks:
    """The core's message checks, with the MiniLM encoder for the crisis detector's meaning check."""
    encoder = _sentence_encoder(encoder_path)
    return MessageChecks.from_settings(embed=lambda text: encoder.encode(text).sentence_vector(), **settings)


def anonymous(sender: str) -> str:
    """A sender as the log shows it: a short hash, so a Slack user id or an e-mail-like sender id is not logged."""
    return hashlib.sha256(sender.encode()).hexdigest()[:10]


class RateCounter:
    """Messages counted per key in fixed one-minute windows: in this process, or in the lock store's Redis
    when one is configured, so that every Rasa instance counts the same messages."""

    def __init__(self, redis_client: Any = None) -> None:
        self.redis = redis_client
        self._counts: dict[tuple[str, int], int] = defaultdict(int)

    @classmethod
    def from_limits(cls, limits: MessageLimits) -> RateCounter:
        if limits.redis is None:
            return cls()
        import redis  # Rasa's own dependency, for its Redis lock store

        return cls(redis.Redis(**limits.redis, socket_timeout=2))

    def count(self, key: str) -> int:
        """Adds one message for `key` and returns how many it has sent in the current window."""
        window = int(time.time() // WINDOW_SECONDS)
        if self.redis is not None:
            try:
                name = f"{REDIS_KEY_PREFIX}{key}:{window}"
                with self.redis.pipeline() as pipe:
                    count, _ = pipe.incr(name).expire(name, 2 * WINDOW_SECONDS).execute()
                return int(count)
            except Exception:  # Redis down: count here rather than refuse everyone
                logger.warning("The rate limit's Redis is unreachable; counting in this process.", exc_info=True)
        for old in [stored for stored in self._counts if stored[1] < window]:
            del self._counts[old]
        self._counts[(key, window)] += 1
        return self._counts[(key, window)]


class MessageGate:
    """One channel's way in: the message checks, the per-sender and per-IP rate limits, the queue limit."""

    def __init__(self, checks: MessageChecks, limits: MessageLimits, counter: RateCounter | None = None) -> None:
        self.checks = checks
        self.limits = limits
        self.counter = counter or RateCounter.from_limits(limits)
        self.waiting: dict[str, int] = defaultdict(int)  # conversation -> its messages here not yet answered
        interface = checks.interface
        self.busy_reply = interface["busy_reply"]
        self.too_many_reply = " ".join(interface["too_many_reply"].split())

    @classmethod
    def from_settings(cls, **settings: Any) -> MessageGate:
        return cls(message_checks(**settings), message_limits())

    def _over_rate(self, sender: str, ip: str | None) -> str | None:
        if self.limits.per_sender and self.counter.count(f"sender:{sender}") > self.limits.per_sender:
            return "sender rate limit"
        if ip and self.limits.per_ip and self.counter.count(f"ip:{ip}") > self.limits.per_ip:
            return "IP rate limit"
        return None

    async def enter(
        self,
        text: object,
        sender: str,
        ip: str | None,
        channel: str,
        send: Send,
        process: Callable[[str], Awaitable],
        pushes: bool = True,
    ) -> None:
        """Answers `text` from `sender` through `send`, or has Rasa answer it with `process(cleaned text)`.

        `pushes`: the channel delivers each reply as it is sent (socket.io, not REST's one response), so a
        message that must wait for the conversation's earlier ones is told "one moment" at once.
        """
        verdict = self.checks.first_look(text)
        if verdict.reply is None:
            refused = self._over_rate(sender, ip)
            if refused is None and self.limits.queue and self.waiting[sender] >= self.limits.queue:
                refused = "queue limit"
            if refused is not None:
                logger.warning("%s message from %s refused: %s", channel, anonymous(sender), refused)
                await send(self.too_many_reply)
                return
            verdict = self.checks.second_look(verdict.text)
        if verdict.reply is not None:
            logger.info("%s message from %s answered without Rasa: %s", channel, anonymous(sender), verdict.refused)
            await send(verdict.reply)
            return
        if pushes and self.waiting[sender]:
            await send(self.busy_reply)
        if verdict.note:
            await send(verdict.note)
        self.waiting[sender] += 1
        try:
            await process(verdict.text)
        finally:
            self.waiting[sender] -= 1
            if not self.waiting[sender]:
                del self.waiting[sender]
