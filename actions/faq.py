"""The FAQ actions: answer a question from content/, or list the topics. They only read the tracker and render."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import latest_intent
from actions.wiring import CONTENT
from advisor.render import answer_buttons, render_answer, topic_buttons

# Which interface.yml text introduces the topic list; any other intent means the
# dialogue fallback fired (no rule fitted the conversation).
INTRO_FOR_INTENT = {"ask_capabilities": "topics_intro", "nlu_fallback": "fallback_intro"}


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
            dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons(CONTENT))
            return []
        in_route_check = bool(tracker.active_loop.get("name"))
        dispatcher.utter_message(
            text=render_answer(answer, CONTENT), buttons=answer_buttons(answer, CONTENT, in_route_check)
        )
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
        dispatcher.utter_message(text=CONTENT.interface[intro], buttons=topic_buttons(CONTENT))
        return [] if intent in INTRO_FOR_INTENT else [UserUtteranceReverted()]
