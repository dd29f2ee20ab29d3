"""The conversations' store (rasa_server/tracker_store.py) writes exactly the rows Rasa's `sql` store writes,
without counting the stored events on every save, and keeps SQLite in WAL mode."""

import asyncio
import json
import time

import pytest
import sqlalchemy as sa
from rasa.core import tracker_store as rasa_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from rasa_server.tracker_store import SQLTrackerStore
from tests.conftest import ROOT

DOMAIN = Domain.load(ROOT / "domain.yml")


def turn(text: str, at: float) -> list:
    return [
        UserUttered(text, {"name": "ask_hsse", "confidence": 0.9}, timestamp=at),
        ActionExecuted("action_answer_question", timestamp=at),
        BotUttered(f"an answer to {text}", timestamp=at),
        SlotSet("specialism", "MRI", timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def session(at: float) -> list:
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at),
            ActionExecuted("action_listen", timestamp=at)]  # fmt: skip


def rows(store, sender: str) -> list[tuple]:
    """The stored events in order, their timestamps left out (two runs are never at the same instant)."""
    with store.session_scope() as db:
        query = db.query(store.SQLEvent.type_name, store.SQLEvent.intent_name, store.SQLEvent.action_name,
                         store.SQLEvent.data).filter(store.SQLEvent.sender_id == sender)  # fmt: skip
        stored = query.order_by(store.SQLEvent.id).all()
    return [(*row[:3], {k: v for k, v in json.loads(row[3]).items() if k != "timestamp"}) for row in stored]


def count_queries(store) -> list[str]:
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


async def conversation(store, sender: str) -> None:
    """What the Rasa server does: load, add a turn, save once a message; a new session after an hour idle."""
    start = time.time() - 7200
    tracker = store.init_tracker(sender)
    for event in session(start) + turn("first", start + 1):
        tracker.update(event)
    await store.save(tracker)
    for number in range(3):
        tracker = await store.retrieve(sender)
        for event in turn(f"message {number}", start + 2 + number):
            tracker.update(event)
        await store.save(tracker)
    tracker = await store.retrieve(sender)  # an hour later: a new session on the same tracker
    for event in session(start + 3600) + turn("back again", start + 3601):
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve(sender)
    for event in turn("last", start + 3602):
        tracker.update(event)
    await store.save(tracker)


@pytest.fixture
def stores(tmp_path):
    """Rasa's store and ours, each on a SQLite file (PostgreSQL: tests/e2e/test_stores.py)."""
    rasa = rasa_tracker_store.SQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'rasa.db'}")
    ours = SQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'ours.db'}")
    yield rasa, ours
    rasa.engine.dispose()
    ours.engine.dispose()


def test_the_same_rows_as_rasas_store_and_no_count_query_after_the_first_save(stores):
    rasa, ours = stores
    statements = count_queries(ours)
    asyncio.run(conversation(rasa, "alice"))
    asyncio.run(conversation(ours, "alice"))
    assert rows(ours, "alice") == rows(rasa, "alice")
    assert len(rows(ours, "alice")) == 3 + 5 * 4 + 3 + 5 * 2  # a session, 4 turns, a new session, 2 turns
    # Only the new conversation's first save counts what is stored (nothing); the 5 saves after a load do not.
    assert sum("count(" in statement.lower() for statement in statements) == 1
    # The latest session, loaded again, is what was saved.
    tracker = asyncio.run(ours.retrieve("alice"))
    assert [event.as_dict()["event"] for event in tracker.events][:2] == ["action", "session_started"]
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["back again", "last"]


def test_a_tracker_saved_twice_across_a_new_session_is_written_once(stores):
    """Rasa's count covers only the latest session: its store writes the old session's events again here."""
    rasa, ours = stores

    async def save_twice(store) -> int:
        start = time.time() - 7200
        tracker = store.init_tracker("bob")
        for event in session(start) + turn("first", start + 1):
            tracker.update(event)
        await store.save(tracker)
        tracker = await store.retrieve("bob")
        for event in session(start + 3600):
            tracker.update(event)
        await store.save(tracker)
        for event in turn("second", start + 3601):
            tracker.update(event)
        await store.save(tracker)
        return len(tracker.events)

    events = asyncio.run(save_twice(ours))
    assert len(rows(ours, "bob")) == events
    asyncio.run(save_twice(rasa))
    assert len(rows(rasa, "bob")) > events


def test_a_tracker_the_store_did_not_load_is_counted_as_rasa_counts_it(stores):
    _, ours = stores
    asyncio.run(conversation(ours, "carol"))
    stored = rows(ours, "carol")
    loaded = asyncio.run(ours.retrieve("carol"))
    copy = ours.init_tracker("carol")  # the same events in a tracker object the store never saw
    for event in loaded.events:
        copy.update(event)
    for event in turn("from elsewhere", time.time()):
        copy.update(event)
    asyncio.run(ours.save(copy))
    assert len(rows(ours, "carol")) == len(stored) + 5


def test_a_bounded_history_is_counted_as_rasa_counts_it(stores):
    _, ours = stores
    asyncio.run(conversation(ours, "dave"))
    stored = len(rows(ours, "dave"))
    ours.max_event_history = 4
    tracker = asyncio.run(ours.retrieve("dave"))
    assert tracker.events.maxlen is None  # Rasa loads every event of the session whatever the bound
    bounded = ours.init_tracker("dave")
    assert bounded.events.maxlen == 4
    for event in turn("bounded", time.time()):
        bounded.update(event)
    asyncio.run(ours.save(bounded))
    # Rasa's rule: the latest session holds more events than the bounded tracker, so nothing is added.
    assert len(rows(ours, "dave")) == stored


def test_sqlite_is_in_wal_mode_with_one_kept_connection(tmp_path):
    store = SQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert isinstance(store.engine.pool, sa.pool.SingletonThreadPool)
    # Another process's connection (a second instance, `make purge`) sees every committed turn.
    asyncio.run(conversation(store, "erin"))
    other = sa.create_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with other.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM events WHERE sender_id = 'erin'").scalar() == 36
    other.dispose()
    store.engine.dispose()


def without_timestamps(tracker) -> list[dict]:
    return [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in tracker.events]


def test_a_load_selects_only_the_events_data_and_gives_rasas_tracker(stores):
    rasa, ours = stores
    asyncio.run(conversation(rasa, "frank"))
    asyncio.run(conversation(ours, "frank"))
    statements = count_queries(ours)
    for full in (False, True):
        ours_loaded = asyncio.run(ours._retrieve("frank", fetch_events_from_all_sessions=full))
        rasa_loaded = asyncio.run(rasa._retrieve("frank", fetch_events_from_all_sessions=full))
        assert without_timestamps(ours_loaded) == without_timestamps(rasa_loaded)
    loads = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(loads) == 2
    for statement in loads:
        selected = statement.split("FROM", 1)[0]
        assert "events.data" in selected and "events.type_name" not in selected, statement
