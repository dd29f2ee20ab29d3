"""The FAQ actions: answer a question from content/, ask which one was meant, or list the topics.

They only read the tracker (the answer selector's ranking in the parse data, the answer given
last), let advisor/answer_choice.py decide, and send what advisor/render.py builds.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import noted_comment
from actions.tracker_reading import latest_intent
from actions.wiring import CONTENT
from advisor.answer_choice import choose
from advisor.render import (
    answer_buttons,
    did_you_mean_buttons,
    question_answer_buttons,
    render_answer,
    render_question_answer,
    topic_buttons,
)

# Where the NLU's answer selector puts its ranking (rasa_server/nlu/answer_selector.py).
ANSWER_RANKING = "answer_ranking"
# The entity a "Did you mean..." button names its answer with, and the slot that keeps it.
ANSWER_ID = "answer_id"
LAST_ANSWER = "last_answer"

# Which interface.yml text introduces the topic list; any other intent means the
# dialogue fallback fired (no rule fitted the conversation).
INTRO_FOR_INTENT = {"ask_capabilities": "topics_intro", "nlu_fallback": "fallback_intro"}


def picked_answer(message: dict[str, Any]) -> str | None:
    """The answer a "Did you mean..." button named, if this message is such a button."""
    return next((e.get("value") for e in message.get("entities") or [] if e.get("entity") == ANSWER_ID), None)


class ActionAnswerQuestion(Action):
    """Answers the latest question from content/, with its sources.

    A typed question gets the question-level answer the answer selector ranked first when it
    is clearly ahead, "Did you mean..." when candidates are close, the topic list when none is
    near. A topic button (a payload, which has no ranking) gets that topic's full page.
    """

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        in_route_check = bool(tracker.active_loop.get("name"))
        answer_id = picked_answer(message)
        # A button payload ("/ask_hsse") names what it wants; only typed text is ranked.
        typed = not (message.get("text") or "").startswith("/")
        ranking = message.get(ANSWER_RANKING) if typed else None
        if answer_id is None and ranking:
            topic_confidence = {item["name"]: item["confidence"] for item in message.get("intent_ranking") or []}
            choice = choose(ranking, CONTENT, topic_confidence, tracker.get_slot(LAST_ANSWER), message.get("text", ""))
            # Right after "What was missing?", a message nothing answers is that comment.
            noted = noted_comment(dispatcher, tracker, answered=False) if choice.kind != "answer" else None
            if noted is not None:
                return noted
            if choice.kind == "did_you_mean":
                dispatcher.utter_message(
                    text=CONTENT.interface["did_you_mean_intro"], buttons=did_you_mean_buttons(choice, CONTENT)
                )
                return []
            if choice.kind == "topics":
                dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons(CONTENT))
                return []
            answer_id = choice.answer_id
        question = CONTENT.question_for(answer_id)
        if question is not None:
            dispatcher.utter_message(
                text=render_question_answer(question, CONTENT),
                buttons=question_answer_buttons(question, CONTENT, in_route_check),
            )
            return [SlotSet(LAST_ANSWER, question.id)]
        page = CONTENT.answer_for(latest_intent(tracker))
        if page is None:
            # Nothing to answer from (an intent with no topic page, or an unknown answer id): list the topics.
            dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons(CONTENT))
            return []
        dispatcher.utter_message(
            text=render_answer(page, CONTENT), buttons=answer_buttons(page, CONTENT, in_route_check)
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
