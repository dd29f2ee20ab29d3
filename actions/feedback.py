"""The feedback actions: keep a "Helpful" / "Not helpful" press, and the "What was missing?" comment after it.

What is kept, and when a message is the comment, is decided in advisor/feedback.py; the texts are
content/interface.yml's. Feedback is kept as slot events in the conversation (the tracker store).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.wiring import CONTENT
from advisor import feedback
from advisor.message_checks import looks_like_question


def sent_feedback(message: dict[str, Any]) -> dict[str, Any]:
    """The entities a feedback button sent ({} for typed feedback, which names no answer)."""
    return {
        entity["entity"]: entity.get("value")
        for entity in message.get("entities") or []
        if entity.get("entity") in ("answer_id", "helpful")
    }


def noted_comment(dispatcher: CollectingDispatcher, tracker: Tracker, answered: bool) -> list[EventType] | None:
    """The latest message kept as the "What was missing?" comment, thanked for, when it is one; else None."""
    answer_id = feedback.comment_pending(tracker.events)
    text = tracker.latest_message.get("text") or ""
    if answer_id is None or not feedback.is_comment(text, answered, looks_like_question(text)):
        return None
    dispatcher.utter_message(text=CONTENT.interface["feedback_comment_thanks"])
    return [SlotSet(feedback.COMMENT_SLOT, feedback.comment_value(answer_id, text))]


class ActionRecordFeedback(Action):
    """Keeps which answer the person found helpful or not; "Not helpful" asks what was missing.

    In the route check it only thanks (the check's next question follows, so nothing is asked).
    An answer id content no longer has (an old button) is said so; nothing is kept.
    """

    def name(self) -> str:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        sent = sent_feedback(tracker.latest_message)
        if not sent:
            # Typed feedback names no answer: right after "What was missing?" it is the comment.
            noted = noted_comment(dispatcher, tracker, answered=False)
            if noted is not None:
                return noted
            dispatcher.utter_message(text=CONTENT.interface["feedback_typed"])
            return []
        if feedback.payload_problem(sent) is not None or not feedback.is_known(sent["answer_id"], CONTENT):
            dispatcher.utter_message(text=CONTENT.interface["feedback_unknown"])
            return []
        events: list[EventType] = [
            SlotSet(feedback.ANSWER_SLOT, sent["answer_id"]),
            SlotSet(feedback.HELPFUL_SLOT, sent["helpful"]),
        ]
        if sent["helpful"] or tracker.active_loop.get("name"):
            dispatcher.utter_message(text=CONTENT.interface["feedback_thanks"])
            return events
        dispatcher.utter_message(text=CONTENT.interface["feedback_ask_missing"])
        return [*events, SlotSet(feedback.COMMENT_FOR_SLOT, sent["answer_id"])]


class ActionDecline(Action):
    """A message outside what the assistant covers: declined (interface.yml's out_of_scope_reply), unless it
    is the "What was missing?" comment."""

    def name(self) -> str:
        return "action_decline"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        noted = noted_comment(dispatcher, tracker, answered=False)
        if noted is not None:
            return noted
        dispatcher.utter_message(text=CONTENT.interface["out_of_scope_reply"])
        return []
