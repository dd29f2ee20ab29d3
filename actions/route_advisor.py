"""Rasa actions for the route advisor: collect answers, call the rules, render the result.

The rules are in ``route_rules`` and the answer parsing in ``answer_parsing``; nothing here
decides a route.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import CONTENT, latest_intent, topic_buttons
from actions.answer_parsing import parse_answer, volunteered_answers
from actions.content import ipem_notes, with_ipem_source
from actions.route_content import load_route_content
from actions.route_rules import QUESTION_ORDER, Profile, ProfileError, Recommendation, advise, questions_needed

ROUTE_CONTENT = load_route_content(content=CONTENT)
FORM = "route_advice_form"
RESET_ACTION = "action_reset_route_advice"
# Messages with these intents are commands, not answers: the form lets the matching rule
# handle them (stop, start again, list topics) and then, where it makes sense, asks again.
COMMANDS = frozenset({"ask_capabilities", "bot_challenge", "goodbye", "stop_advice", "restart_advice"})
QUESTION_WORDS = frozenset(
    {"what", "how", "why", "when", "where", "who", "which", "can", "could", "is", "are", "do", "does", "will", "would",
     "should", "tell", "explain"}
)  # fmt: skip
# Answers that only make sense with an earlier answer: a new "no" clears them.
DEPENDENT_ANSWERS = {("has_phd", "no"): ("phd_year", "phd_relevant"), ("nhs_employed", "no"): ("employer_nomination",)}
IPEM_MARK = "IPEM's recommendation from its HSST survey, not current NSHCS policy"


def today() -> dt.date:
    return dt.date.today()


def recognised_specialism(message: dict[str, Any]) -> str | None:
    return next(
        (entity.get("value") for entity in message.get("entities") or [] if entity.get("entity") == "specialism"), None
    )


def sent_answers(message: dict[str, Any]) -> dict[str, Any]:
    """Answers carried as entities named after a question: buttons and typed `/inform{...}`."""
    return {
        entity["entity"]: entity.get("value")
        for entity in message.get("entities") or []
        if entity.get("entity") in QUESTION_ORDER and entity.get("entity") != "specialism"
    }


def user_messages_since_reset(tracker: Tracker) -> list[dict[str, Any]]:
    """This check's user messages, oldest first: since the advisor, the session or Rasa last restarted."""
    messages: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "restart" or (
            event.get("event") == "action" and event.get("name") in (RESET_ACTION, "action_session_start")
        ):
            break
        if event.get("event") == "user":
            messages.append({"text": event.get("text") or "", **(event.get("parse_data") or {})})
    return list(reversed(messages))


def looks_like_question(text: str) -> bool:
    words = text.strip().lower().split()
    return text.strip().endswith("?") or (bool(words) and words[0] in QUESTION_WORDS)


def is_digression(intent: str, text: str, requested: str | None) -> bool:
    """A command, or an FAQ question, rather than an answer to the question asked.

    Short answers can look like FAQ topics ("0.6 WTE", "MRI"): if the message is not
    phrased as a question and reads as an answer to the requested slot, it is an answer.
    """
    if intent in COMMANDS:
        return True
    if intent not in CONTENT.answers:
        return False
    if requested in QUESTION_ORDER and not looks_like_question(text):
        return parse_answer(requested, text, today(), ROUTE_CONTENT.full_time_hours).problem is not None
    return True


def profile_from_slots(slots: dict[str, Any]) -> Profile:
    return Profile.from_answers({name: slots.get(name) for name in QUESTION_ORDER})


class ValidateRouteAdviceForm(FormValidationAction):
    """Reads answers from each message, checks them, and picks the next question the rules need."""

    def name(self) -> str:
        return f"validate_{FORM}"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The raw answers in the message (and, as the check starts, in earlier ones); checked below."""
        latest = tracker.latest_message or {}
        requested = tracker.get_slot("requested_slot")
        text = latest.get("text") or ""
        if is_digression(latest_intent(tracker), text, requested):
            return []
        raw_answers: dict[str, Any] = {}
        if requested is None:
            # The check is starting: use what the person already said, without overwriting answers.
            for message in user_messages_since_reset(tracker)[:-1]:
                for slot, raw in volunteered_answers(message["text"], recognised_specialism(message)).items():
                    if tracker.get_slot(slot) is None:
                        raw_answers[slot] = raw
        # A button or /inform message carries its answers as entities; typed text may volunteer some.
        given = answers_given(latest)
        raw_answers.update(given)
        if requested in QUESTION_ORDER and not given:
            raw_answers[requested] = text
        return [SlotSet(slot, raw) for slot, raw in raw_answers.items()]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Every answer, however it arrived, is read by parse_answer; a problem is said and the slot emptied."""
        latest = tracker.latest_message or {}
        raw_answers = tracker.slots_to_validate()
        events: list[EventType] = []
        for slot in QUESTION_ORDER:
            if slot not in raw_answers:
                continue
            parsed = parse_answer(
                slot, raw_answers[slot], today(), ROUTE_CONTENT.full_time_hours, recognised_specialism(latest)
            )
            if parsed.problem:
                dispatcher.utter_message(text=parsed.problem)
            events.append(SlotSet(slot, parsed.value))
            events += [SlotSet(cleared, None) for cleared in DEPENDENT_ANSWERS.get((slot, parsed.value), ())]
        return events

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> EventType | None:
        try:
            needed = questions_needed(profile_from_slots(tracker.slots))
        except ProfileError:
            # Only reachable if a slot was set around this form; start the questions again.
            needed = ["registration"]
        return SlotSet("requested_slot", needed[0] if needed else None)


def render_recommendation(number: int, recommendation: Recommendation) -> str:
    """Heading, reason, related IPEM recommendations, sources. An IPEM-based one names its recommendation."""
    numbers = recommendation.ipem_recommendations
    if recommendation.basis == "ipem":
        # The reason already is IPEM's recommendation: name it as the source rather than repeat it.
        lines = [f"{number}. {recommendation.label} ({IPEM_MARK})", recommendation.reason]
        cited, prefix = list(recommendation.sources), f"IPEM recommendation {', '.join(map(str, numbers))}, "
    else:
        lines = [f"{number}. {recommendation.label}", recommendation.reason, *ipem_notes(numbers, CONTENT, IPEM_MARK)]
        cited, prefix = with_ipem_source(recommendation.sources, numbers, CONTENT), ""
    lines.append("Source: " + prefix + "; ".join(f"{source.title}: {source.url}" for source in cited))
    return "\n".join(lines)


def render_advice(recommendations: list[Recommendation]) -> str:
    """One paragraph per recommendation (each becomes its own chat message), then where to confirm."""
    closing_sources = "; ".join(f"{source.title}: {source.url}" for source in ROUTE_CONTENT.closing_sources)
    parts = [CONTENT.interface["advice_intro"]]
    parts += [render_recommendation(number, each) for number, each in enumerate(recommendations, start=1)]
    parts.append(f"{ROUTE_CONTENT.closing_text}\nContact: {closing_sources}")
    parts.append(f"Last reviewed: {ROUTE_CONTENT.last_reviewed:%-d %B %Y}.")
    return "\n\n".join(parts)


def advice_buttons() -> list[dict[str, str]]:
    return [
        {"title": CONTENT.interface["restart_button"], "payload": "/restart_advice"},
        {"title": CONTENT.interface["topics_button"], "payload": "/ask_capabilities"},
    ]


def answers_given(message: dict[str, Any]) -> dict[str, Any]:
    """What a message says in answer to the advisor's questions: button/`/inform` entities, or volunteered text."""
    text = message.get("text") or ""
    if text.startswith("/"):
        return sent_answers(message)
    return volunteered_answers(text, recognised_specialism(message))


class ActionStartCheckFromAnswer(Action):
    """An answer given outside the check ("I'm a registered clinical scientist") starts it, using the answer.

    A message the NLU took for an answer but that answers nothing ("asdfgh") gets the topic list instead.
    """

    def name(self) -> str:
        return "action_start_check_from_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if answers_given(tracker.latest_message or {}):
            return [FollowupAction(FORM)]
        dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons())
        return []


class ActionGiveRouteAdvice(Action):
    """Shows the recommendations for the answers collected by the form."""

    def name(self) -> str:
        return "action_give_route_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        try:
            recommendations = advise(profile_from_slots(tracker.slots), today(), ROUTE_CONTENT)
        except ProfileError:
            dispatcher.utter_message(text=CONTENT.interface["advice_unusable"], buttons=advice_buttons())
            return []
        dispatcher.utter_message(text=render_advice(recommendations), buttons=advice_buttons())
        return []


class AskQuestion:
    """Asks one of the advisor's questions; an Action per question is made below (Rasa finds `action_ask_<slot>`)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        question = ROUTE_CONTENT.questions[self.slot]
        buttons = [
            {"title": title, "payload": "/inform" + json.dumps({self.slot: value})} for title, value in question.buttons
        ]
        dispatcher.utter_message(text=question.text, buttons=buttons)
        return []


# The questions are data; these classes only give each one the action name Rasa looks for.
ASK_ACTIONS = [type(f"AskQuestion_{slot}", (AskQuestion, Action), {"slot": slot}) for slot in QUESTION_ORDER]


class ActionResetRouteAdvice(Action):
    """Clears the advisor's answers, to stop or to start again; says which."""

    def name(self) -> str:
        return RESET_ACTION

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        stopping = latest_intent(tracker) == "stop_advice"
        dispatcher.utter_message(text=CONTENT.interface["advice_stopped" if stopping else "advice_restarted"])
        return [SlotSet(slot, None) for slot in QUESTION_ORDER] + [SlotSet("requested_slot", None)]
