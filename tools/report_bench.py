"""Conversations written straight into a tracker store as Rasa writes them, for `make report`'s tests
and its benchmark (`make report-bench`: 100,000 conversations, the time into docs/performance.md).

Each conversation is built from a few steps whose counts the report must find again: an answer
given (with or without feedback and a comment), a question that got "did you mean", the topic list
or a decline, and a route check that reaches the advice or stops at a question. The events have
the shapes Rasa 3.6 stores (tests/e2e/test_feedback.py checks the real ones over REST).

Usage: python -m tools.report_bench [--conversations 100000] [--postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from advisor import feedback
from advisor.faq_content import Content, load_content
from advisor.render import feedback_payload
from tools.stores import running_postgres

Event = dict[str, Any]


class Conversation:
    """One conversation's events, in order, each a second after the last."""

    def __init__(self, sender: str, start: float) -> None:
        self.sender = sender
        self.clock = start
        self.events: list[Event] = []
        self.add({"event": "action", "name": "action_session_start"})
        self.add({"event": "session_started"})
        self.add({"event": "action", "name": "action_listen"})

    def add(self, event: Event) -> None:
        self.clock += 1.0
        self.events.append({**event, "timestamp": self.clock})

    def user(self, text: str, intent: str, entities: Iterable[dict] = ()) -> None:
        parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities), "text": text}
        self.add({"event": "user", "text": text, "parse_data": parse, "input_channel": "rest", "metadata": {}})

    def action(self, name: str) -> None:
        self.add({"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0})

    def bot(self, text: str, buttons: list[dict] | None = None) -> None:
        data = {
            "elements": None,
            "quick_replies": None,
            "buttons": buttons,
            "attachment": None,
            "image": None,
            "custom": None,
        }
        self.add({"event": "bot", "text": text, "data": data, "metadata": {}})

    def slot(self, name: str, value: Any) -> None:
        self.add({"event": "slot", "name": name, "value": value})

    def listen(self) -> None:
        self.action("action_listen")

    # --- the steps a conversation is made of -----------------------------------------------------

    def answered(
        self,
        content: Content,
        answer_id: str,
        helpful: bool | None = None,
        comment: str | None = None,
        question: str = "a question",
    ) -> None:
        """A question answered with `answer_id` (a question id, a topic intent or route_advice), then its feedback."""
        self.user(question, "ask_hsse")
        self.action("action_answer_question")
        buttons = [
            {"title": title, "payload": feedback_payload(answer_id, value)}
            for title, value in (("Helpful", True), ("Not helpful", False))
        ]
        self.bot(f"The answer {answer_id}.", buttons)
        self.listen()
        if helpful is not None:
            self.feedback(content, answer_id, helpful, comment)

    def feedback(self, content: Content, answer_id: str, helpful: bool, comment: str | None = None) -> None:
        """A press of Helpful or Not helpful under `answer_id`, then (after Not helpful) what was missing."""
        entities = [{"entity": "answer_id", "value": answer_id}, {"entity": "helpful", "value": helpful}]
        self.user(feedback_payload(answer_id, helpful), "feedback", entities)
        self.action("action_record_feedback")
        self.slot(feedback.ANSWER_SLOT, answer_id)
        self.slot(feedback.HELPFUL_SLOT, helpful)
        if helpful:
            self.bot(content.interface["feedback_thanks"])
        else:
            self.slot(feedback.COMMENT_FOR_SLOT, answer_id)
            self.bot(content.interface["feedback_ask_missing"])
        self.listen()
        if comment is not None:
            self.user(comment, "nlu_fallback")
            self.action("action_answer_question")
            self.slot(feedback.COMMENT_SLOT, feedback.comment_value(answer_id, comment))
            self.bot(content.interface["feedback_comment_thanks"])
            self.listen()

    def unanswered(self, content: Content, text: str, reply: str) -> None:
        """A question that got `reply`: did_you_mean_intro, fallback_intro, lost_track_intro or out_of_scope_reply."""
        self.user(text, "out_of_scope" if reply == "out_of_scope_reply" else "nlu_fallback")
        self.action("action_decline" if reply == "out_of_scope_reply" else "action_answer_question")
        buttons = (
            None if reply == "out_of_scope_reply" else [{"title": "Something else", "payload": "/ask_capabilities"}]
        )
        self.bot(content.interface[reply], buttons)
        self.listen()

    def route_check(
        self, content: Content, answers: list[tuple[str, Any]], reached: bool, stop_at: str = "wte"
    ) -> None:
        """The route check: each (question, answer) asked and answered, then the advice, or a stop at `stop_at`."""
        self.user("which route suits me?", "ask_route_advice")
        self.action("route_advice_form")
        self.add({"event": "active_loop", "name": "route_advice_form"})
        for slot, value in answers:
            self.slot("requested_slot", slot)
            self.action(f"action_ask_{slot}")
            self.bot(f"The question {slot}.")
            self.listen()
            self.user(str(value), "inform")
            self.action("route_advice_form")
            self.slot(slot, value)
        if reached:
            self.add({"event": "active_loop", "name": None})
            self.slot("requested_slot", None)
            self.action("action_give_route_advice")
            buttons = [
                {"title": title, "payload": feedback_payload(feedback.ROUTE_ADVICE_ID, value)}
                for title, value in (("Helpful", True), ("Not helpful", False))
            ]
            self.bot(content.interface["advice_intro"], buttons)
            self.listen()
            return
        self.slot("requested_slot", stop_at)
        self.action(f"action_ask_{stop_at}")
        self.bot(f"The question {stop_at}.")
        self.listen()
        self.user("stop", "stop_advice")
        self.action("action_deactivate_loop")
        self.add({"event": "active_loop", "name": None})
        self.action("action_reset_route_advice")
        self.bot(content.interface["advice_stopped"])
        self.listen()


def rows(conversation: Conversation) -> Iterator[dict[str, Any]]:
    """The conversation as rows of Rasa's `events` table."""
    for event in conversation.events:
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name") if event["event"] == "user" else None
        yield {
            "sender_id": conversation.sender,
            "type_name": event["event"],
            "timestamp": event["timestamp"],
            "intent_name": intent,
            "action_name": event.get("name") if event["event"] == "action" else None,
            "data": json.dumps(event),
        }


def write(store, conversations: Iterable[Conversation], batch: int = 20000) -> int:
    """Inserts the conversations' events into the store's table in batches; returns how many events."""
    table = store.SQLEvent.__table__
    pending: list[dict[str, Any]] = []
    written = 0
    with store.engine.begin() as connection:
        for conversation in conversations:
            pending.extend(rows(conversation))
            if len(pending) >= batch:
                connection.execute(table.insert(), pending)
                written, pending = written + len(pending), []
        if pending:
            connection.execute(table.insert(), pending)
            written += len(pending)
    return written


# --- the benchmark ---------------------------------------------------------------------------------

# Questions the benchmark's conversations ask that get no answer: 40 meanings, worded a few ways each.
UNANSWERED = [
    f"{opening} {subject}"
    for subject in (
        "the parking at my hospital",
        "the HSST interview dress code",
        "visa sponsorship for HSST",
        "the weather in Leeds",
        "childcare during the doctorate",
        "the Manchester campus library",
        "relocation costs",
        "the pension scheme",
        "annual leave in the first year",
        "the exam pass mark",
    )
    for opening in ("what about", "tell me about", "any info on", "I need to know about")
]
PERSONAL = ("my email is jo.bloggs@example.com", "call me on 07700 900123", "my NHS number is 943 476 5919")


def generated(content: Content, count: int, now: float, seed: int = 14) -> Iterator[Conversation]:
    """`count` conversations over the last 30 days: answers with feedback, unanswered questions, route checks."""
    rng = random.Random(seed)
    answer_ids = [*content.questions, *content.answers]
    replies = ("did_you_mean_intro", "fallback_intro", "out_of_scope_reply")
    for number in range(count):
        conversation = Conversation(f"bench-{number:07d}", now - rng.uniform(0, 29) * 86400)
        for _ in range(rng.randint(1, 3)):
            helpful = rng.choice((None, None, True, False))
            comment = rng.choice((None, "it did not say when", f"it did not say when, {rng.choice(PERSONAL)}"))
            conversation.answered(content, rng.choice(answer_ids), helpful, comment if helpful is False else None)
        if rng.random() < 0.3:
            text = rng.choice(UNANSWERED) + (f", {rng.choice(PERSONAL)}" if rng.random() < 0.1 else "")
            conversation.unanswered(content, text, rng.choice(replies))
        if rng.random() < 0.25:
            questions = [
                ("registration", "clinical_scientist"),
                ("specialism", "MRI"),
                ("goal", "training"),
                ("nation", "england"),
                ("nhs_employed", "yes"),
            ]
            conversation.route_check(content, questions[: rng.randint(1, 5)], reached=rng.random() < 0.5)
        yield conversation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL (tools/stores.py), not SQLite")
    parser.add_argument("--out", type=Path, default=Path("results/report-bench"), help="where its report goes")
    args = parser.parse_args()

    from rasa_server.quiet import quieten
    from rasa_server.tracker_store import SQLTrackerStore
    from tools import report

    quieten()
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="report-bench-"))
        url = f"sqlite:///{Path(folder) / 'tracker.db'}"
        if args.postgres:
            password = uuid.uuid4().hex
            url = stack.enter_context(running_postgres(password)).replace("rasa@", f"rasa:{password}@")
        store = SQLTrackerStore(host=url)
        content = load_content(report.ROOT / "content", dt.date.today())
        now = time.time()
        started = time.perf_counter()
        events = write(store, generated(content, args.conversations, now))
        print(
            f"Generated {args.conversations} conversations ({events} events) in {time.perf_counter() - started:.0f} s."
        )
        embed = report.encoder_embed()
        started = time.perf_counter()
        built = report.build_report(store, 30, report.ROOT / "content", embed, now)
        report.write_report(built, args.out)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"make report: {built.tally.conversations} conversations, {events} events, in {seconds:.1f} s "
            f"({sa.engine.make_url(url).get_backend_name()}; the process's peak memory {peak:.0f} MB)."
        )
        store.engine.dispose()


if __name__ == "__main__":
    main()
