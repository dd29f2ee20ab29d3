"""The launcher's settings: the servers' environment; the Slack channel on only when both secrets are set."""

import pytest
import yaml

from tests.conftest import ROOT
from tools import launch


def test_the_servers_environment_is_quiet_with_defaults_that_the_caller_can_override(monkeypatch):
    monkeypatch.delenv("ACTION_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("RASA_PORT", "6000")
    env = launch.environment({"ACTIONS_PORT": "7000"})
    assert env["RASA_TELEMETRY_ENABLED"] == "false" and env["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert env["TRACKER_STORE_URL"] == "sqlite:///var/tracker.db"
    assert env["RASA_PORT"] == "6000"
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:7000/webhook"


def test_without_slack_variables_the_channel_is_off(tmp_path):
    assert launch.credentials_file({}, tmp_path) == ROOT / "credentials.yml"
    assert not any("slack" in name.lower() for name in yaml.safe_load((ROOT / "credentials.yml").read_text()))


def test_half_the_slack_variables_is_a_clear_error(tmp_path):
    with pytest.raises(launch.LaunchError, match="SLACK_SIGNING_SECRET"):
        launch.credentials_file({"SLACK_BOT_TOKEN": "xoxb-1"}, tmp_path)


def test_the_written_credentials_hold_no_secret(tmp_path):
    env = {"SLACK_BOT_TOKEN": "xoxb-secret-token", "SLACK_SIGNING_SECRET": "signing-secret", "SLACK_CHANNEL": ""}
    written = launch.credentials_file(env, tmp_path).read_text()
    assert "${SLACK_BOT_TOKEN}" in written and "${SLACK_SIGNING_SECRET}" in written
    assert "xoxb-secret-token" not in written and "signing-secret" not in written
    # SLACK_CHANNEL is optional: left out when empty, since Rasa refuses an unset ${...}.
    assert "SLACK_CHANNEL" not in written
    assert "rasa_server.channels.slack.GuardedSlackInput" in yaml.safe_load(written)


def test_a_busy_port_is_named(monkeypatch):
    monkeypatch.setattr(launch, "port_in_use", lambda port: port == 5005)
    assert launch.busy_ports({"RASA_PORT": "5005", "ACTIONS_PORT": "5055"}, ("RASA_PORT", "ACTIONS_PORT")) == [
        "RASA_PORT=5005"
    ]


def test_a_busy_port_is_named_with_free_ones_to_choose_instead(monkeypatch):
    monkeypatch.setattr(launch, "port_in_use", lambda port: port in (5005, 5006, 5055))
    env = {"RASA_PORT": "5005", "ACTIONS_PORT": "5055"}
    message = launch.busy_message("shell", env, ("RASA_PORT", "ACTIONS_PORT"), ["RASA_PORT=5005", "ACTIONS_PORT=5055"])
    assert "RASA_PORT=5005 and ACTIONS_PORT=5055 are in use already" in message
    assert message.endswith("make shell RASA_PORT=5007 ACTIONS_PORT=5056")


def test_main_refuses_a_busy_port_with_status_1_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr(launch, "port_in_use", lambda port: port == 5005)
    monkeypatch.setenv("RASA_PORT", "5005")
    monkeypatch.setenv("ACTIONS_PORT", "5055")
    assert launch.main(["shell"]) == 1
    error = capsys.readouterr().err
    assert "RASA_PORT=5005 is in use already" in error and "make shell RASA_PORT=5006 ACTIONS_PORT=5055" in error
