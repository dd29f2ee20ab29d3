"""The one factory for rasa-sdk trackers in action tests, and a runner that collects what an action says."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from advisor.route.profile import QUESTION_ORDER


def user_event(text: str, intent: str, entities: Iterable[dict] = ()) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": list(entities)}}


def tracker(
    text: str = "a question",
    intent: str = "ask_hsse",
    entities: Iterable[dict] = (),
    slots: dict | None = None,
    requested: str | None = None,
    earlier: Iterable[dict] = (),
    active_loop: str | None = None,
    parse_data: dict | None = None,
) -> Tracker:
    """A conversation whose latest message is `text` with `intent`, after the `earlier` events.

    Every route advisor slot is present (None unless `slots` sets it), as Rasa sends them.
    `parse_data` adds to the latest message what the NLU put there (answer_ranking, intent_ranking).
    """
    entities = list(entities)
    all_slots = {name: None for name in QUESTION_ORDER} | (slots or {}) | {"requested_slot": requested}
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": all_slots,
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": entities,
                **(parse_data or {}),
            },
            "events": [*earlier, user_event(text, intent, entities)],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, conversation: Tracker, domain: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Runs `action` on `conversation`; returns the messages it sent and the events it returned."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, conversation, domain or {}))
    return dispatcher.messages, events
