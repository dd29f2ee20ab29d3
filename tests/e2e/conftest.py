"""One set of real servers for the whole test run, shared by every end-to-end module that needs no other settings.

It is the assistant as `make run` starts it, with the widget's demo page, the Slack channel
switched on (replying to a fake Web API) and two more allowed origins, so that the REST,
socket.io, widget, Slack, parity and lock-down tests need not each start their own. Tests that
need other settings (the HTTP API off, other stores, two instances) start theirs.
"""

import pytest

from tests.e2e.fake_slack import fake_slack_api, slack_env
from tests.e2e.servers import running_assistant

# The one channel (not a DM) whose every message the bot answers, as SLACK_CHANNEL sets it.
WATCHED_CHANNEL = "C0WATCHED1"
# Sites besides the demo page that may call the servers from a browser.
OTHER_ORIGINS = ("https://www.nshcs.hee.nhs.uk", "https://www.ipem.ac.uk")


@pytest.fixture(scope="session")
def shared_servers(tmp_path_factory):
    with fake_slack_api() as fake:
        env = {**slack_env(fake, WATCHED_CHANNEL), "ALLOWED_ORIGINS": ", ".join(OTHER_ORIGINS)}
        with running_assistant(tmp_path_factory.mktemp("shared"), extra_env=env, serve_web_page=True) as assistant:
            yield assistant, fake


@pytest.fixture(scope="session")
def assistant(shared_servers):
    return shared_servers[0]


@pytest.fixture(scope="session")
def slack(shared_servers):
    """The shared servers and the fake Slack Web API they reply to."""
    return shared_servers
