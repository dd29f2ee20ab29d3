"""Settings both servers (Rasa's and the action server) read from the environment. No Rasa import.

ALLOWED_ORIGINS: the web origins allowed to reach the servers from a browser. One setting for
every server a browser may reach: Rasa's HTTP server (CORS), the socket.io
channel and the action server. ALLOWED_ORIGINS lists origins separated by commas or spaces,
such as "https://www.nshcs.hee.nhs.uk, https://www.ipem.ac.uk". Unset or empty allows no
cross-origin calls; `make run` sets it to its local demo page unless you set it. "*" and
anything that is not scheme://host[:port] are refused, so a typo cannot open the servers to
every site.
"""

from __future__ import annotations

import os
import re

ENV_NAME = "ALLOWED_ORIGINS"
# Sanic reads SANIC_* settings from the environment. A burst of clients (many chats opening at
# once) must queue rather than be refused (a longer listen backlog, which Rasa reads as
# SANIC_BACKLOG), and a connection opened under load and written to seconds later must not be
# closed as idle (Sanic's 5 s keep-alive timeout would close it and the action would fail).
SANIC_DEFAULTS = {"SANIC_BACKLOG": "1024", "SANIC_KEEP_ALIVE_TIMEOUT": "60"}
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
