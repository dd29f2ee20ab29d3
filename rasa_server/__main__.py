"""`python -m rasa_server ...`: the rasa command line, quiet, patched, with the server's settings from the environment.

Every command runs with rasa_server/patches.py installed: action server responses checked with a
validator built once (a third of the CPU less), a failed or slow action call answered with a "try
again in a minute" reply, and no Rasa version on `GET /`. Request bodies over 64 KB get a 413
before they are read (advisor/server_settings.py RASA_SANIC_DEFAULTS). `rasa shell` wraps replies
and reads input through rasa_server/terminal.py.

For `rasa run` (the Rasa server), two settings come from the environment rather than the command
line, so that a secret never shows in the process list:
- ALLOWED_ORIGINS: the comma-separated origins allowed by CORS (none when unset);
- RASA_API_TOKEN: when set, Rasa's HTTP API is switched on and requires this token.
  Unset (the default), the HTTP API is off.
"""

import os
import sys

from rasa_server.quiet import quieten

# JAX is never used here, but TensorFlow (which Rasa imports whatever the components) imports it when it is
# installed (tensorflow.lite, for its JAX converter, in a try/except ImportError) and jaxlib's XLA library
# costs a Rasa server about 60 MB of its resident memory and a quarter of a second of its start
# (docs/performance.md). A None in sys.modules makes `import jax` raise ImportError, as if not installed.
sys.modules.setdefault("jax", None)
quieten()

from rasa.__main__ import main  # noqa: E402

from advisor.server_settings import allowed_origins, apply_rasa_sanic_defaults  # noqa: E402
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
    apply_rasa_sanic_defaults()
    try:
        sys.argv += server_options_from_environment(sys.argv[1:])
    except ValueError as problem:
        sys.exit(str(problem))
    patches.install()
    if sys.argv[1:2] == ["shell"]:
        terminal.install()
    sys.exit(main())
