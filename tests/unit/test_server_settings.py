"""The settings both servers read from the environment: ALLOWED_ORIGINS and Sanic's defaults."""

import os

import pytest

from advisor.server_settings import SANIC_DEFAULTS, allowed_origins, apply_sanic_defaults


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
