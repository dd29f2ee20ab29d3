"""What more than one action reads from the tracker."""

from __future__ import annotations

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> str:
    """The latest message's intent name ("" when it has none), nlu_fallback included."""
    return (tracker.latest_message.get("intent") or {}).get("name") or ""
