"""The settings both servers read from the environment: ALLOWED_ORIGINS and Sanic's defaults."""

import os

import pytest

from advisor.server_settings import SANIC_DEFAULTS, allowed_origins, apply_sanic_defaults, message_limits


def test_cors_origins_must_be_named():
    assert allowed_origins("") == []
    assert allowed_origins(" https://a.example/ , https://b.example:8443  http://intranet:8443") == [
        "https://a.example",
        "https://b.example:8443",
        "http://intranet:8443",
    ]
    for bad in ["*", "https://*.example", "a.example", "https://www.ipem.ac.uk/chat", "file://x"]:
        with pytest.raises(ValueError, match="ALLOWED_ORIGINS"):
            allowed_origins(f"https://ok.example {bad}")


def test_sanic_defaults_fill_only_what_is_unset(monkeypatch):
    monkeypatch.setenv("SANIC_BACKLOG", "16")
    monkeypatch.delenv("SANIC_KEEP_ALIVE_TIMEOUT", raising=False)
    apply_sanic_defaults()
    assert os.environ["SANIC_BACKLOG"] == "16"
    assert os.environ["SANIC_KEEP_ALIVE_TIMEOUT"] == SANIC_DEFAULTS["SANIC_KEEP_ALIVE_TIMEOUT"]


def test_message_limits_default_to_gov_uk_chats_15_a_minute_and_count_in_redis_only_when_configured():
    limits = message_limits({})
    assert (limits.per_sender, limits.per_ip, limits.queue, limits.redis) == (15, 60, 3, None)
    env = {"LOCK_STORE_TYPE": "rasa_server.lock_store.RedisLockStore", "LOCK_STORE_HOST": "r",
           "LOCK_STORE_PORT": "6380", "LOCK_STORE_PASSWORD": "", "RATE_LIMIT_PER_IP": "0"}  # fmt: skip
    shared = message_limits(env)
    assert shared.redis == {"host": "r", "port": 6380, "password": None, "db": 1} and shared.per_ip == 0


@pytest.mark.parametrize("value", ["-1", "ten", "1.5"])
def test_a_limit_that_is_not_a_whole_number_is_refused(value):
    with pytest.raises(ValueError, match="RATE_LIMIT_PER_SENDER"):
        message_limits({"RATE_LIMIT_PER_SENDER": value})
