"""Rasa custom actions. They only read the tracker, call the content module and render."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.content import load_content, render_answer

# Loaded once at start-up: broken content stops the action server with a clear
# error instead of failing in the middle of someone's conversation.
CONTENT = load_content()


# Which interface.yml text introduces the topic list; any other intent means the
# dialogue fallback fired (no rule fitted the conversation).
INTRO_FOR_INTENT = {"ask_capabilities": "topics_intro", "nlu_fallback": "fallback_intro"}


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def topic_buttons() -> list[dict[str, str]]:
    """One quick-reply button per answerable topic, in the order of answers.yml."""
    return [{"title": answer.topic, "payload": f"/{intent}"} for intent, answer in CONTENT.answers.items()]


class ActionAnswerQuestion(Action):
    """Answers the latest question intent from content/answers.yml, with its sources."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = CONTENT.answer_for(latest_intent(tracker))
        if answer is None:
            # A rule sent an intent here that has no answer: list the topics rather than guess.
            dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons())
            return []
        # Outside the route check, answers about eligibility and routes offer to check for this person.
        offer = answer.offers_route_check and not tracker.active_loop.get("name")
        buttons = [{"title": CONTENT.interface["route_check_button"], "payload": "/ask_route_advice"}] if offer else []
        dispatcher.utter_message(text=render_answer(answer, CONTENT), buttons=buttons)
        return []


class ActionListTopics(Action):
    """Lists the topics as buttons: on request, when the NLU was unsure, or when no rule fits.

    It is also the dialogue's fallback action (config.yml); then the message that
    confused it is taken back, so the conversation carries on as before it.
    """

    def name(self) -> str:
        return "action_list_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = latest_intent(tracker)
        intro = INTRO_FOR_INTENT.get(intent, "lost_track_intro")
        dispatcher.utter_message(text=CONTENT.interface[intro], buttons=topic_buttons())
        return [] if intent in INTRO_FOR_INTENT else [UserUtteranceReverted()]
