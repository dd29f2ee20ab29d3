"""The socket.io channel's configuration: credentials.yml's settings and the allowed origins."""

from advisor_channels.socketio import GuardedSocketIOInput
from tests.conftest import ROOT, read_yaml


def test_credentials_configure_the_guarded_channel_under_rasas_name(monkeypatch):
    # The origins come from ALLOWED_ORIGINS (advisor_channels/allowed_origins.py, tested in test_lockdown.py).
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://localhost:8080")
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
