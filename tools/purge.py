"""Deletes the conversations nobody has written in for RETENTION_DAYS days (`make purge`).

It reads the tracker store from endpoints.yml, as the Rasa server does, so it deletes from
the same SQLite file or PostgreSQL database. A conversation is deleted whole (every event of
its sender id) once its newest event is older than the retention period; a conversation still
in use keeps all its history. Run it daily (cron or a scheduled job); it is safe while the
servers run, since Rasa rereads a conversation from the store on every message.

Usage: python -m tools.purge [--days N] [--endpoints endpoints.yml]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from rasa_server.quiet import quieten
from tools.launch import environment

SECONDS_PER_DAY = 86400


def purge(store, days: float, now: float | None = None) -> tuple[int, int]:
    """Deletes from `store` (a SQLTrackerStore) every conversation idle for `days`; returns (conversations, events)."""
    events = store.SQLEvent
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    with store.session_scope() as session:
        stale = [
            sender
            for (sender,) in session.query(events.sender_id)
            .group_by(events.sender_id)
            .having(sa.func.max(events.timestamp) < cutoff)
        ]
        deleted = 0
        # In batches, so that a large purge never builds one enormous IN (...) list.
        for start in range(0, len(stale), 500):
            batch = stale[start : start + 500]
            deleted += session.query(events).filter(events.sender_id.in_(batch)).delete(synchronize_session=False)
        session.commit()
    return len(stale), deleted


def configured_store(endpoints: Path):
    """The SQL tracker store that endpoints.yml names (None when its SQLite file does not exist yet)."""
    from rasa.utils.endpoints import read_endpoint_config

    from rasa_server.tracker_store import SQLTrackerStore

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or (config.type or "") not in ("sql", "rasa_server.tracker_store.SQLTrackerStore"):
        sys.exit(f"{endpoints} names no SQL tracker store (sql or rasa_server.tracker_store.SQLTrackerStore).")
    url = sa.engine.make_url(config.url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return None  # SQLite creates the file on first use; Rasa would retry a missing folder forever
    return SQLTrackerStore(host=config.url, **config.kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=float(os.environ.get("RETENTION_DAYS", "30")))
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    args = parser.parse_args()
    quieten()
    # endpoints.yml names the store through the environment, with the launcher's defaults.
    os.environ.update(environment())
    if args.days <= 0:
        sys.exit("RETENTION_DAYS must be a positive number of days.")
    store = configured_store(args.endpoints)
    if store is None:
        print("No conversations are stored yet; nothing to purge.")
        return
    conversations, events = purge(store, args.days)
    print(f"Deleted {conversations} conversations ({events} events) idle for more than {args.days:g} days.")


if __name__ == "__main__":
    main()
