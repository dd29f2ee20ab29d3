"""Micro-benchmark of the tracker round trip: what Rasa spends loading and saving a conversation per message.

Every message costs the Rasa server one load of the conversation (its latest session) and one
save of the turn's new events. This times exactly that, retrieve + one turn appended + save, on
SQLite and on PostgreSQL (a throwaway server, `synchronous_commit = off` as docs/operations.md
recommends), for each change in rasa_server/tracker_store.py and rasa_server/patches.py added
one at a time. The variants take turns round by round, so that a noisy neighbour slows them
alike, and each is reported as its best round (the mean of ROUND_TRIPS round trips), in CPU time
of this process and in wall time (which includes the database's own work).

Usage: python -m tools.bench.tracker_store [--rounds 7] [--turns 5,40] [--stores sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from rasa.core import tracker_store as rasa_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from rasa_server import patches
from rasa_server import tracker_store as advisor_tracker_store
from tools.launch import ROOT
from tools.stores import running_postgres

ROUND_TRIPS = 60
INTENTS = ["ask_what_is_hsst", "ask_part_time", "ask_hsse", "ask_mpe", "ask_part_c_exemption", "greet", "thank",
           "ask_study_leave", "ask_route_advice", "out_of_scope"]  # fmt: skip
RASA_RESOLVE_BY_TYPE = Event.resolve_by_type


def turn(number: int) -> list[Event]:
    """One FAQ turn as Rasa stores it: the message with its parse data, the answer in two messages."""
    ranking = [{"name": name, "confidence": 0.9 / (rank + 1)} for rank, name in enumerate(INTENTS)]
    parse_data = {"text": f"question {number}", "intent": ranking[0], "entities": [], "intent_ranking": ranking,
                  "message_id": uuid.uuid4().hex, "metadata": {}}  # fmt: skip
    paragraph = "An answer paragraph of about the length the advisor sends, with a link to its source. " * 3
    return [
        UserUttered(parse_data["text"], ranking[0], [], parse_data, input_channel="rest", message_id=uuid.uuid4().hex),
        DefinePrevUserUtteredFeaturization(False),
        ActionExecuted("action_answer_question", policy="RulePolicy", confidence=1.0),
        BotUttered(paragraph, {"elements": None, "quick_replies": None, "buttons": None}),
        BotUttered(paragraph, {"buttons": [{"title": "Check my route", "payload": "/ask_route_advice"}]}),
        SlotSet("specialism", "MRI"),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
    ]


def session_start() -> list[Event]:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


class WholeRows(advisor_tracker_store.SQLTrackerStore):
    """The store loading whole event rows, as Rasa does."""

    _event_query = rasa_tracker_store.SQLTrackerStore._event_query


class WithoutWal(WholeRows):
    """The store without its SQLite settings (Rasa's engine, a new connection per load and save)
    and loading whole event rows."""

    def __init__(self, *args, **kwargs) -> None:
        rasa_tracker_store.SQLTrackerStore.__init__(self, *args, **kwargs)


# Cumulative: each variant adds one change to the one before.
VARIANTS = {
    "Rasa 3.6 as is": (rasa_tracker_store.SQLTrackerStore, False),
    "+ event classes from a table": (rasa_tracker_store.SQLTrackerStore, True),
    "+ no count query per save": (WithoutWal, True),
    "+ SQLite in WAL mode, one kept connection": (WholeRows, True),
    "+ only the events' data loaded": (advisor_tracker_store.SQLTrackerStore, True),
}


def use_event_table(on: bool) -> None:
    Event.resolve_by_type = staticmethod(patches._resolve_by_type if on else RASA_RESOLVE_BY_TYPE)


async def fill(store, senders: list[str], turns: int) -> None:
    for sender in senders:
        tracker = store.init_tracker(sender)
        for event in session_start() + [event for number in range(turns) for event in turn(number)]:
            tracker.update(event)
        await store.save(tracker)


async def round_trips(store, senders: list[str], turns: int) -> tuple[float, float]:
    """Mean CPU and wall seconds of one round trip, over `senders`."""
    cpu, wall = time.process_time(), time.perf_counter()
    for sender in senders:
        tracker = await store.retrieve(sender)
        for event in turn(turns):
            tracker.update(event)
        await store.save(tracker)
    return (time.process_time() - cpu) / len(senders), (time.perf_counter() - wall) / len(senders)


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[callable]:
    """Yields a function that returns a new, empty database's URL for each variant and round."""
    if kind == "sqlite":
        yield lambda: f"sqlite:///{workdir / uuid.uuid4().hex}.db"
        return
    import sqlalchemy as sa

    with running_postgres("bench", {"synchronous_commit": "off"}) as url:
        admin = sa.create_engine(url.replace("rasa@", "rasa:bench@"), isolation_level="AUTOCOMMIT")

        def new_database() -> str:
            name = f"bench_{uuid.uuid4().hex[:12]}"
            with admin.connect() as connection:
                connection.execute(sa.text(f"CREATE DATABASE {name}"))
            return url.replace("rasa@", "rasa:bench@").rsplit("/", 1)[0] + f"/{name}"

        yield new_database
        admin.dispose()


def measure(kind: str, turns: int, rounds: int) -> dict[str, tuple[float, float]]:
    variants = {name: value for name, value in VARIANTS.items() if kind == "sqlite" or "SQLite" not in name}
    best: dict[str, tuple[float, float]] = {}
    domain = Domain.load(ROOT / "domain.yml")
    with tempfile.TemporaryDirectory(prefix="advisor-store-bench-") as workdir, database(kind, Path(workdir)) as new:
        for _ in range(rounds):
            for name, (store_class, event_table) in variants.items():
                use_event_table(event_table)
                store = store_class(domain=domain, host=new())
                senders = [f"bench-{uuid.uuid4().hex[:12]}" for _ in range(ROUND_TRIPS)]
                asyncio.run(fill(store, senders, turns))
                cpu, wall = asyncio.run(round_trips(store, senders, turns))
                store.engine.dispose()
                previous = best.get(name, (float("inf"), float("inf")))
                best[name] = (min(previous[0], cpu), min(previous[1], wall))
    use_event_table(False)
    return best


def report(kind: str, turns: int, best: dict[str, tuple[float, float]]) -> str:
    events = len(session_start()) + turns * len(turn(0))
    lines = [f"\n{kind}, a conversation of {turns} turns ({events} events) loaded and saved:",
             "| variant | CPU ms per round trip | wall ms per round trip | CPU saved by this step |",
             "|---|---|---|---|"]  # fmt: skip
    previous = None
    for name, (cpu, wall) in best.items():
        saved = "" if previous is None else f"{(previous - cpu) * 1000:.2f} ms ({(previous - cpu) / previous:.0%})"
        lines.append(f"| {name} | {cpu * 1000:.2f} | {wall * 1000:.2f} | {saved} |")
        previous = cpu
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--turns", default="5,40", help="conversation lengths, comma-separated")
    parser.add_argument("--stores", default="sqlite,postgresql")
    args = parser.parse_args()
    for kind in args.stores.split(","):
        for turns in map(int, args.turns.split(",")):
            print(report(kind, turns, measure(kind, turns, args.rounds)), flush=True)


if __name__ == "__main__":
    main()
