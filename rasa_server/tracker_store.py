"""The conversations' store: Rasa's SQL tracker store (SQLite or PostgreSQL) with a cheaper round trip.

endpoints.yml names it (`rasa_server.tracker_store.SQLTrackerStore`); it reads and writes the same
`events` table, row for row, as Rasa's `sql` store, so either can open the other's database.
Rasa loads a conversation and saves it twice for every message; what this store saves per
message (docs/performance.md, "The tracker round trip", measured with tools/bench/tracker_store.py):

- **No count query per save.** Rasa counts the conversation's stored events on every save to
  know which of the tracker's events are new. This store remembers, on the tracker object it
  loaded or saved, how many of its events the database holds, and writes the ones after them.
  A tracker it has not seen (built elsewhere, or with a bounded event history) is counted as
  Rasa counts it. (The count covers only the latest session, so a tracker saved twice across a
  session start had its old session written again; Rasa's message path saves once a message and
  never did that, but this store cannot: tests/rasa_server/test_tracker_store.py.)
- **SQLite in WAL mode, one kept connection.** Rasa's SQLite engine opens a new connection for
  every load and save and commits with a rollback journal (several fsyncs a commit). Here the
  database is in write-ahead-log mode with `synchronous=NORMAL`, and the Rasa server's one event
  loop thread keeps its connection. A committed turn survives the process being killed (the
  kill -9 tests); a power cut may lose the last commits, as PostgreSQL's `synchronous_commit =
  off` may (docs/operations.md). Other processes (a second instance, `make purge`) can read
  while one writes.
- **Only the events' data loaded.** Rasa loads each stored event as a whole ORM object (id,
  sender, type, intent, action, timestamp and data) and then uses only its JSON `data`; building
  those objects was a third of the load. This store selects the `data` column alone, through the
  same query (same filters, same order).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core import tracker_store
from rasa.shared.core.trackers import DialogueStateTracker

# On a tracker this store loaded or saved: (the store, how many of its events the store holds).
STORED_MARK = "_advisor_events_in_store"
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=30000")


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class SQLTrackerStore(tracker_store.SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            # One connection per thread, kept: Rasa serves on one event-loop thread.
            self.engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)
            sa.event.listen(self.engine, "connect", _set_sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _mark_stored(self, tracker: DialogueStateTracker) -> None:
        setattr(tracker, STORED_MARK, (self, len(tracker.events)))

    def _events_in_store(self, tracker: DialogueStateTracker) -> int | None:
        store, count = getattr(tracker, STORED_MARK, (None, 0))
        # A bounded history drops old events as new ones come, so its length says nothing.
        return count if store is self and tracker.events.maxlen is None else None

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            # The latest session's events, all of them stored. (A full tracker, every session, is
            # only read, by the HTTP API; it is not marked, so saving it counts as Rasa does.)
            self._mark_stored(tracker)
        return tracker

    def _event_query(self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        query = super()._event_query(session, sender_id, fetch_events_from_all_sessions)
        return query.with_entities(self.SQLEvent.data)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._mark_stored(tracker)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = self._events_in_store(tracker)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
