"""`python -m rasa_server ...`: the rasa command line, quiet, patched, with the server's settings from the environment.

Every command checks action server responses with a validator built once (rasa_server/patches.py:
the same check, a third of the CPU less). `rasa shell` wraps replies and reads input through
rasa_server/terminal.py.

For `rasa run` (the Rasa server), two settings come from the environment rather than the command
line, so that a secret never shows in the process list:
- ALLOWED_ORIGINS: the comma-separated origins allowed by CORS (none when unset);
- RASA_API_TOKEN: when set, Rasa's HTTP API is switched on and requires this token.
  Unset (the default), the HTTP API is off.
"""

import os
import sys

from rasa_server.quiet import quieten

quieten()

from rasa.__main__ import main  # noqa: E402

from advisor.server_settings import allowed_origins, apply_sanic_defaults  # noqa: E402
from rasa_server import patches, terminal  # noqa: E402


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
    apply_sanic_defaults()
    try:
        sys.argv += server_options_from_environment(sys.argv[1:])
    except ValueError as problem:
        sys.exit(str(problem))
    patches.install()
    if sys.argv[1:2] == ["shell"]:
        terminal.install()
    sys.exit(main())
