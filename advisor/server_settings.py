"""Settings both servers (Rasa's and the action server) read from the environment. No Rasa import.

ALLOWED_ORIGINS: the web origins allowed to reach the servers from a browser. One setting for
every server a browser may reach: Rasa's HTTP server (CORS), the socket.io
channel and the action server. ALLOWED_ORIGINS lists origins separated by commas or spaces,
such as "https://www.nshcs.hee.nhs.uk, https://www.ipem.ac.uk". Unset or empty allows no
cross-origin calls; `make run` sets it to its local demo page unless you set it. "*" and
anything that is not scheme://host[:port] are refused, so a typo cannot open the servers to
every site.

The message limits (MessageLimits, read by the Rasa server's channels) and the request body
limit and action timeout of the Rasa server are read here too; docs/operations.md lists them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

ENV_NAME = "ALLOWED_ORIGINS"
# Sanic reads SANIC_* settings from the environment. A burst of clients (many chats opening at
# once) must queue rather than be refused (a longer listen backlog, which Rasa reads as
# SANIC_BACKLOG), and a connection opened under load and written to seconds later must not be
# closed as idle (Sanic's 5 s keep-alive timeout would close it and the action would fail).
SANIC_DEFAULTS = {"SANIC_BACKLOG": "1024", "SANIC_KEEP_ALIVE_TIMEOUT": "60"}
# The Rasa server refuses a larger request body with a 413 before reading it (Sanic's
# REQUEST_MAX_SIZE; its default, 100 MB, let one request stall every conversation). Chat
# messages are at most 2,000 characters; Slack's events are a few kilobytes.
RASA_SANIC_DEFAULTS = {"SANIC_REQUEST_MAX_SIZE": str(64 * 1024)}
# How long the Rasa server waits for the action server before telling the user to try again later.
ACTION_TIMEOUT_ENV = "ACTION_TIMEOUT_SECONDS"
DEFAULT_ACTION_TIMEOUT_SECONDS = 5.0
_ORIGIN = re.compile(r"^https?://[^/\s*]+$")


def allowed_origins(value: str | None = None) -> list[str]:
    """The origins in `value` (default: the ALLOWED_ORIGINS environment variable), in order."""
    raw = os.environ.get(ENV_NAME, "") if value is None else value
    origins = [origin.rstrip("/") for origin in re.split(r"[,\s]+", raw) if origin]
    invalid = [origin for origin in origins if not _ORIGIN.match(origin)]
    if invalid:
        raise ValueError(f"{ENV_NAME} must list origins like https://www.example.org (no '*', no path); got {invalid}")
    return list(dict.fromkeys(origins))


def apply_sanic_defaults() -> None:
    """Sets SANIC_DEFAULTS in this process's environment wherever they are not set already."""
    for name, value in SANIC_DEFAULTS.items():
        os.environ.setdefault(name, value)


def apply_rasa_sanic_defaults() -> None:
    """SANIC_DEFAULTS and RASA_SANIC_DEFAULTS, for the Rasa server only (action calls carry whole trackers)."""
    apply_sanic_defaults()
    for name, value in RASA_SANIC_DEFAULTS.items():
        os.environ.setdefault(name, value)


def action_timeout_seconds() -> float:
    return float(os.environ.get(ACTION_TIMEOUT_ENV) or DEFAULT_ACTION_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class MessageLimits:
    """How many messages the channels accept: per minute from one sender and from one IP address
    (0 switches a limit off), and at once for one conversation (0: no limit) (waiting or being answered).
    `redis`: the lock store's Redis connection, when several instances share one, to count there."""

    per_sender: int = 15
    per_ip: int = 60
    queue: int = 3
    redis: dict | None = None


LIMIT_ENV = {"per_sender": "RATE_LIMIT_PER_SENDER", "per_ip": "RATE_LIMIT_PER_IP", "queue": "QUEUE_LIMIT"}


def message_limits(env: dict[str, str] | None = None) -> MessageLimits:
    """MessageLimits from the environment (LIMIT_ENV names, and the lock store's LOCK_STORE_* settings)."""
    env = os.environ if env is None else env
    values = {}
    for field, name in LIMIT_ENV.items():
        raw = env.get(name, "")
        if raw.strip():
            if not raw.strip().isdigit():
                raise ValueError(f"{name} must be a whole number (0 switches it off); got {raw!r}")
            values[field] = int(raw)
    redis = None
    if "redis" in env.get("LOCK_STORE_TYPE", "").lower():
        redis = {"host": env.get("LOCK_STORE_HOST", "localhost"), "port": int(env.get("LOCK_STORE_PORT") or 6379),
                 "password": env.get("LOCK_STORE_PASSWORD") or None, "db": 1}  # fmt: skip
    return MessageLimits(**values, redis=redis)
