"""The socket.io channel's configuration: allowed origins from the environment, credentials.yml's settings."""

import pytest

from advisor_channels.socketio import GuardedSocketIOInput, allowed_origins
from tests.conftest import ROOT, read_yaml


def test_unset_allows_only_the_local_demo_page():
    assert allowed_origins({}) == {"http://localhost:8080", "http://127.0.0.1:8080"}
    assert allowed_origins({"WEB_PORT": "9000"}) == {"http://localhost:9000", "http://127.0.0.1:9000"}


def test_configured_origins_comma_or_space_separated():
    configured = {"ALLOWED_ORIGINS": "https://www.nshcs.hee.nhs.uk/, https://www.ipem.ac.uk  http://intranet:8443"}
    assert allowed_origins(configured) == {
        "https://www.nshcs.hee.nhs.uk",
        "https://www.ipem.ac.uk",
        "http://intranet:8443",
    }


@pytest.mark.parametrize("bad", ["*", "https://*.nhs.uk", "https://www.ipem.ac.uk/chat", "www.ipem.ac.uk", "file://x"])
def test_anything_but_origins_is_refused(bad):
    with pytest.raises(ValueError, match="ALLOWED_ORIGINS"):
        allowed_origins({"ALLOWED_ORIGINS": f"https://ok.example {bad}"})


def test_credentials_configure_the_guarded_channel_under_rasas_name(monkeypatch):
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("WEB_PORT", raising=False)
    monkeypatch.chdir(ROOT)
    channel = GuardedSocketIOInput.from_credentials(
        read_yaml("credentials.yml")["advisor_channels.socketio.GuardedSocketIOInput"]
    )
    assert channel.name() == "socketio"
    assert channel.session_persistence is True
    assert (channel.user_message_evt, channel.bot_message_evt) == ("user_uttered", "bot_uttered")
    assert "ask_hsse" in channel.allowed_intents
    assert channel.origin_allowed("http://localhost:8080")
    assert not channel.origin_allowed("https://attacker.example")
    assert not channel.origin_allowed(None)
