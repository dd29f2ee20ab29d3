"""The web origins allowed to call the servers from a browser (CORS), from ALLOWED_ORIGINS.

One setting for every server that a browser may reach: Rasa's HTTP server and channels, the
socket.io channel and the action server. ALLOWED_ORIGINS is a comma-separated list such as
"https://www.nshcs.hee.nhs.uk,https://www.ipem.ac.uk"; unset or empty allows no cross-origin
calls. "*" is refused: a public chat must name the sites that embed it.
"""

from __future__ import annotations

import os

ENV_NAME = "ALLOWED_ORIGINS"


def allowed_origins(value: str | None = None) -> list[str]:
    """The origins in `value` (default: the ALLOWED_ORIGINS environment variable)."""
    raw = os.environ.get(ENV_NAME, "") if value is None else value
    origins = [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]
    for origin in origins:
        if "*" in origin:
            raise ValueError(f"{ENV_NAME} must list the allowed sites; '*' is not accepted (got {origin!r})")
        if not origin.startswith(("https://", "http://")):
            raise ValueError(f"{ENV_NAME}: {origin!r} is not an origin like https://www.example.org")
    return origins
