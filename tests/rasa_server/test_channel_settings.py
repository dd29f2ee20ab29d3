"""The channels' configuration: credentials.yml's settings, the allowed origins, the Slack app manifest."""

import yaml

from rasa_server.channels.socketio import GuardedSocketIOInput
from tests.conftest import ROOT, read_yaml


def test_credentials_configure_the_guarded_channel_under_rasas_name(monkeypatch):
    # The origins come from ALLOWED_ORIGINS (advisor/server_settings.py, tested in tests/e2e/test_lockdown.py).
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://localhost:8080")
    monkeypatch.chdir(ROOT)
    channel = GuardedSocketIOInput.from_credentials(
        read_yaml("credentials.yml")["rasa_server.channels.socketio.GuardedSocketIOInput"]
    )
    assert channel.name() == "socketio"
    assert channel.session_persistence is True
    assert (channel.user_message_evt, channel.bot_message_evt) == ("user_uttered", "bot_uttered")
    assert "ask_hsse" in channel.gate.checks.commands.intents
    assert channel.origin_allowed("http://localhost:8080")
    assert not channel.origin_allowed("https://attacker.example")
    assert not channel.origin_allowed(None)


def test_the_app_manifest_sends_events_and_clicks_to_the_slack_webhook():
    manifest = yaml.safe_load((ROOT / "slack-app-manifest.yml").read_text())
    settings = manifest["settings"]
    for url in (settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]):
        assert url.startswith("https://") and url.endswith("/webhooks/slack/webhook")
    assert settings["interactivity"]["is_enabled"] and manifest["features"]["app_home"]["messages_tab_enabled"]
    # Each event it subscribes to needs its scope; replying needs chat:write.
    scope_for = {"message.im": "im:history", "app_mention": "app_mentions:read"}
    events = settings["event_subscriptions"]["bot_events"]
    assert set(events) == set(scope_for)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {"chat:write", *scope_for.values()}
