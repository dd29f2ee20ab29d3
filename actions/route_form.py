"""The route advisor's Rasa actions: the form that collects answers, the advice, stop and start again.

The rules are in ``advisor.route.rules``, the answer reading in ``advisor.route.answers`` and
the reply text in ``advisor.render``; nothing here decides a route or words a reply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import latest_intent
from actions.wiring import CONTENT, ROUTE_CONTENT
from advisor.render import advice_buttons, question_buttons, render_advice, topic_buttons
from advisor.route.answers import parse_answer, volunteered_answers
from advisor.route.profile import QUESTION_ORDER, Profile, ProfileError
from advisor.route.rules import advise, questions_needed

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
DEPENDENT_ANSWERS = {
    ("has_phd", "no"): ("phd_year", "phd_relevant", "start_year"),
    ("nhs_employed", "no"): ("employer_nomination",),
    ("nhs_employed", "other_specialism"): ("employer_nomination",),
}


def recognised_specialism(message: dict[str, Any]) -> str | None:
    """The canonical name of the specialism the entity ruler found (its value is the text as typed)."""
    value = next(
        (entity.get("value") for entity in message.get("entities") or [] if entity.get("entity") == "specialism"), None
    )
    return ROUTE_CONTENT.specialism_named(value) or value if isinstance(value, str) else value


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
        return parse_answer(requested, text, dt.date.today(), ROUTE_CONTENT).problem is not None
    return True


def profile_from_slots(slots: dict[str, Any]) -> Profile:
    return Profile.from_answers({name: slots.get(name) for name in QUESTION_ORDER})


def volunteered(message: dict[str, Any]) -> dict[str, Any]:
    return volunteered_answers(message.get("text") or "", recognised_specialism(message), ROUTE_CONTENT.specialisms)


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
                for slot, raw in volunteered(message).items():
                    if tracker.get_slot(slot) is None:
                        raw_answers[slot] = raw
        # A button or /inform message carries its answers as entities; typed text may volunteer some.
        # An answer restated as it already is ("yes, it's in MR physics" when the specialism is MRI) is no
        # correction, so the message still answers the question asked.
        given = {slot: raw for slot, raw in answers_given(latest).items() if raw != tracker.get_slot(slot)}
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
                slot, raw_answers[slot], dt.date.today(), ROUTE_CONTENT, recognised_specialism(latest)
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
            needed = questions_needed(profile_from_slots(tracker.slots), dt.date.today(), ROUTE_CONTENT)
        except ProfileError:
            # Only reachable if a slot was set around this form; start the questions again.
            needed = ["registration"]
        return SlotSet("requested_slot", needed[0] if needed else None)


def answers_given(message: dict[str, Any]) -> dict[str, Any]:
    """What a message says in answer to the advisor's questions: button/`/inform` entities, or volunteered text."""
    if (message.get("text") or "").startswith("/"):
        return sent_answers(message)
    return volunteered(message)


class ActionStartCheckFromAnswer(Action):
    """An answer given outside the check ("I'm a registered clinical scientist") starts it, using the answer.

    A message the NLU took for an answer but that answers nothing ("asdfgh") gets the topic list instead.
    """

    def name(self) -> str:
        return "action_start_check_from_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if answers_given(tracker.latest_message or {}):
            return [FollowupAction(FORM)]
        dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons(CONTENT))
        return []


class ActionGiveRouteAdvice(Action):
    """Shows the recommendations for the answers collected by the form."""

    def name(self) -> str:
        return "action_give_route_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        try:
            profile = profile_from_slots(tracker.slots)
            recommendations = advise(profile, dt.date.today(), ROUTE_CONTENT)
        except ProfileError:
            dispatcher.utter_message(text=CONTENT.interface["advice_unusable"], buttons=advice_buttons(CONTENT))
            return []
        text = render_advice(recommendations, profile, dt.date.today(), ROUTE_CONTENT, CONTENT)
        dispatcher.utter_message(text=text, buttons=advice_buttons(CONTENT))
        return []


class AskQuestion:
    """Asks one of the advisor's questions; an Action per question is made below (Rasa finds `action_ask_<slot>`)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        question = ROUTE_CONTENT.questions[self.slot]
        dispatcher.utter_message(text=question.text, buttons=question_buttons(question, dt.date.today(), ROUTE_CONTENT))
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
