"""`make purge` deletes conversations idle for longer than the retention period, from SQLite and PostgreSQL."""

import asyncio
import os
import subprocess
import sys
import time
import uuid

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server.quiet import QUIET_ENVIRONMENT
from tests.conftest import ROOT
from tools.launch import free_port, isolated_settings
from tools.stores import running_postgres

DAY = 86400


def conversation_at(sender: str, *days_ago: float) -> DialogueStateTracker:
    """A conversation with one user message on each of the given days before now."""
    events = []
    for days in days_ago:
        stamp = time.time() - days * DAY
        events += [UserUttered("What is HSSE?", timestamp=stamp), ActionExecuted("action_listen", timestamp=stamp)]
    return DialogueStateTracker.from_events(sender, events)


def fill(store: SQLTrackerStore) -> None:
    conversations = [
        conversation_at("old", 90, 80),
        conversation_at("just-over", 31),
        conversation_at("old-but-active", 200, 100, 2),
        conversation_at("recent", 1),
    ]
    for tracker in conversations:
        asyncio.run(store.save(tracker))


def run_purge(environment: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.purge", *arguments],
        cwd=ROOT,
        env={**os.environ, **QUIET_ENVIRONMENT, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store_settings(request, tmp_path):
    """The environment endpoints.yml reads, for a SQLite file or a throwaway PostgreSQL."""
    settings = isolated_settings(tmp_path, free_port())
    if request.param == "sqlite":
        yield settings
        return
    password = uuid.uuid4().hex
    with running_postgres(password) as url:
        yield {**settings, "TRACKER_STORE_URL": url, "PGPASSWORD": password}


def test_purge_deletes_only_conversations_idle_longer_than_the_retention(store_settings, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", store_settings.get("PGPASSWORD", ""))
    store = SQLTrackerStore(host=store_settings["TRACKER_STORE_URL"])
    fill(store)

    result = run_purge({**store_settings, "RETENTION_DAYS": "30"})

    assert result.returncode == 0, result.stderr
    assert "Deleted 2 conversations (6 events)" in result.stdout
    assert sorted(asyncio.run(store.keys())) == ["old-but-active", "recent"]
    kept = asyncio.run(store.retrieve_full_tracker("old-but-active"))
    assert len([event for event in kept.events if isinstance(event, UserUttered)]) == 3
    assert store_settings.get("PGPASSWORD", "no password") not in result.stdout + result.stderr


def test_purge_days_option_overrides_the_setting_and_nonsense_is_refused(tmp_path):
    settings = isolated_settings(tmp_path, free_port())
    store = SQLTrackerStore(host=settings["TRACKER_STORE_URL"])
    fill(store)
    assert run_purge({**settings, "RETENTION_DAYS": "30"}, "--days", "0.5").returncode == 0
    assert asyncio.run(store.keys()) == []

    refused = run_purge({**settings, "RETENTION_DAYS": "0"})
    assert refused.returncode != 0 and "positive" in refused.stderr


def test_purge_before_any_conversation_says_so(tmp_path):
    settings = {**isolated_settings(tmp_path, free_port()), "TRACKER_STORE_URL": f"sqlite:///{tmp_path}/none/t.db"}
    result = run_purge(settings)
    assert result.returncode == 0 and "nothing to purge" in result.stdout
