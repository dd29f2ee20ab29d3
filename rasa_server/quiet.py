"""Quiet by default: no telemetry, no TensorFlow or CUDA chatter, no walls of deprecation warnings.

QUIET_ENVIRONMENT is set for every process that runs Rasa (the launcher passes it on, the
rasa command line and the tools set it for themselves). Sanic 21.12 (pinned by Rasa 3.6)
switches DeprecationWarning back on when it is imported, overriding PYTHONWARNINGS; the
warnings concern Rasa's own dependencies and nothing a user can act on, so ``quieten``
imports Sanic first and silences them again.
"""

from __future__ import annotations

import os
import warnings

QUIET_ENVIRONMENT = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "LOG_LEVEL_LIBRARIES": "ERROR",
}


def quieten() -> None:
    """Sets QUIET_ENVIRONMENT where unset and silences deprecation warnings; call before importing Rasa."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import sanic  # noqa: F401  (imported first, so that its warning filter can be overridden)

    warnings.filterwarnings("ignore", category=DeprecationWarning)


def quieten_in_process() -> None:
    """quieten(), and Rasa's loggers at warnings only, for a tool that loads a model in its own process
    (Rasa's command line sets its loggers itself; a tool calling Agent.load gets every debug line otherwise)."""
    import logging

    quieten()
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    # PYTHONWARNINGS is read at interpreter start-up, too early for a tool that sets it itself.
    warnings.simplefilter("ignore")
