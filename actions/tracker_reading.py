"""What more than one action reads from the tracker."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from advisor.route.profile import QUESTION_ORDER

# The route advisor's own bookkeeping slots (domain.yml): how many times in a row the question
# asked has gone unanswered, and the questions taken as "not sure" where the rules have no such answer.
MISSES_SLOT = "route_misses"
SKIPPED_SLOT = "route_skipped"


def latest_intent(tracker: Tracker) -> str:
    """The latest message's intent name ("" when it has none), nlu_fallback included."""
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def answers_in(tracker: Tracker) -> dict[str, Any]:
    """The route advisor's answers so far."""
    return {slot: tracker.get_slot(slot) for slot in QUESTION_ORDER if tracker.get_slot(slot) is not None}


def misses_of(tracker: Tracker, slot: str | None) -> int:
    """How many times in a row `slot`, the question being asked, has gone unanswered."""
    misses = tracker.get_slot(MISSES_SLOT)
    if not isinstance(misses, dict) or misses.get("slot") != slot or not isinstance(misses.get("count"), int):
        return 0
    return misses["count"]


def skipped_in(tracker: Tracker) -> list[str]:
    skipped = tracker.get_slot(SKIPPED_SLOT)
    return [slot for slot in skipped if slot in QUESTION_ORDER] if isinstance(skipped, list) else []


def answers_before_latest_message(tracker: Tracker) -> dict[str, Any]:
    """The route advisor's answers as they were when the latest message arrived.

    When the form starts, Rasa hands it every answer already given again, so only an answer that
    differs from this is new (and said back as noted).
    """
    answers: dict[str, Any] = {}
    events = tracker.events
    last_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=len(events))
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") in QUESTION_ORDER:
            answers[event["name"]] = event.get("value")
        elif event.get("event") in ("restart", "session_started"):
            answers = {}
    return {slot: value for slot, value in answers.items() if value is not None}
