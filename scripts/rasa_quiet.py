"""The rasa command line, without walls of deprecation warnings, and with the server's settings from the environment.

Sanic 21.12 (pinned by Rasa 3.6) switches DeprecationWarning back on when it is
imported, overriding PYTHONWARNINGS. The warnings concern Rasa's own dependencies
and nothing a user of this project can act on, so they are silenced again here.

Every command checks action server responses with a validator built once
(advisor_runtime/action_response_check.py: the same check, a third of the CPU less).

For `rasa run` (the Rasa server), two settings come from the environment rather than
the command line, so that a secret never shows in the process list:
- ALLOWED_ORIGINS: the comma-separated origins allowed by CORS (none when unset);
- RASA_API_TOKEN: when set, Rasa's HTTP API is switched on and requires this token.
  Unset (the default), the HTTP API is off.
"""

import os
import sys
import warnings
from pathlib import Path

import sanic  # noqa: F401  (imported first so that its warning filter can be overridden)

warnings.filterwarnings("ignore", category=DeprecationWarning)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa.__main__ import main  # noqa: E402

from advisor_channels.allowed_origins import allowed_origins  # noqa: E402
from advisor_runtime import action_response_check  # noqa: E402


def server_options_from_environment(arguments: list[str]) -> list[str]:
    if arguments[:1] != ["run"] or arguments[1:2] == ["actions"]:
        return []
    options = []
    origins = allowed_origins()
    if origins:
        options += ["--cors", *origins]
    token = os.environ.get("RASA_API_TOKEN")
    if token:
        options += ["--enable-api", "--auth-token", token]
    return options


if __name__ == "__main__":
    # A burst of clients (many chats opening at once) must queue rather than be refused or
    # dropped while the server is busy: Rasa reads SANIC_BACKLOG, Sanic the SANIC_* settings.
    os.environ.setdefault("SANIC_BACKLOG", "1024")
    os.environ.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "60")
    try:
        sys.argv += server_options_from_environment(sys.argv[1:])
    except ValueError as problem:
        sys.exit(str(problem))
    action_response_check.install()
    sys.exit(main())
