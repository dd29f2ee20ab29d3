"""The route advisor's Rasa actions: the form that collects answers, the advice, stop and start again.

The rules are in ``advisor.route.rules``, the answer reading in ``advisor.route.answers`` and
the reply text in ``advisor.render``; nothing here decides a route or words a reply.

No question is asked more than twice in a row: the second time it is asked with what was
understood so far and a "Not sure / skip" button, and a second miss is taken as "not sure"
(said so, and correctable). A question back or an FAQ question in between is no miss.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import (
    MISSES_SLOT,
    SKIPPED_SLOT,
    answers_before_latest_message,
    answers_in,
    latest_intent,
    misses_of,
    skipped_in,
)
from actions.wiring import CONTENT, NEAREST, READING, ROUTE_CONTENT
from advisor.feedback import INTENT as FEEDBACK
from advisor.message_checks import looks_like_question
from advisor.render import (
    advice_buttons,
    advice_summary,
    noted_text,
    question_buttons,
    render_advice,
    render_answer,
    second_ask_buttons,
    so_far_text,
    taken_as_text,
    topic_buttons,
)
from advisor.route.answers import UNSURE, Parsed, corrected_answers, parse_answer, volunteered_answers
from advisor.route.profile import QUESTION_ORDER, Profile, ProfileError
from advisor.route.rules import advise, questions_needed

FORM = "route_advice_form"
RESET_ACTION = "action_reset_route_advice"
# Asked this many times in a row without an answer, a question is taken as "not sure".
MAX_ASKS = 2
# Messages with these intents are commands, not answers: the form lets the matching rule
# handle them (stop, start again, list topics) and then, where it makes sense, asks again.
COMMANDS = frozenset({"ask_capabilities", "bot_challenge", "goodbye", "stop_advice", "restart_advice", FEEDBACK})
# Questions answered by yes, no or a choice: a sentence volunteering one of them is about that question.
CHOICE_QUESTIONS = frozenset({"registration", "nhs_employed", "employer_nomination", "has_phd"})
OPENING_ANSWERS = frozenset({"yes", "yeah", "yep", "no", "nope", "nah", "unsure"})
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
    """Answers carried as entities named after a question: buttons and typed `/inform{...}`.

    Only for messages that are such a command: in typed text, a specialism entity is the entity
    ruler's (recognised_specialism), not an answer sent.
    """
    return {
        entity["entity"]: entity.get("value")
        for entity in message.get("entities") or []
        if entity.get("entity") in QUESTION_ORDER
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


def read(slot: str, raw: Any, recognised: str | None = None) -> Parsed:
    """parse_answer with the action server's content, today's date and the nearest-example reader."""
    return parse_answer(slot, raw, dt.date.today(), ROUTE_CONTENT, READING, recognised, NEAREST)


def is_digression(intent: str, text: str, requested: str | None) -> bool:
    """A command, or an FAQ question, rather than an answer to the question asked.

    Answers can look like FAQ topics ("0.6 WTE", "MRI", "physiological measurement stuff"): a
    message not phrased as a question is an answer to the requested slot, even one that cannot be
    read, so that its problem is said and counted and the question is not asked a third time.
    """
    if intent in COMMANDS:
        return True
    if intent not in CONTENT.answers:
        return False
    if requested in QUESTION_ORDER and not looks_like_question(text):
        return read(requested, text).question
    return True


def profile_from_slots(slots: dict[str, Any]) -> Profile:
    return Profile.from_answers({name: slots.get(name) for name in QUESTION_ORDER})


def accepts(slot: str, value: Any) -> bool:
    """Whether the profile takes `value` for `slot` ("unsure" is not a choice of every question)."""
    try:
        Profile.from_answers({slot: value})
    except ProfileError:
        return False
    return True


def is_new(slot: str, raw: Any, answers: dict[str, Any]) -> bool:
    """An answer that changes something, or that cannot be read (so that its problem is said)."""
    value = read(slot, raw).value
    return value is None or value != answers.get(slot)


def about_another_question(text: str, given: dict[str, Any]) -> bool:
    """A sentence that answers another yes/no question ("sorry, I don't have a PhD", "I'm not sure my
    employer would nominate me") is not also an answer to the one asked, unless it starts with one."""
    if text.startswith("/"):
        return True
    opens_with_answer = _words_of(text)[:1] and _words_of(text)[0] in OPENING_ANSWERS
    return bool(set(given) & CHOICE_QUESTIONS) and len(_words_of(text)) > 4 and not opens_with_answer


def _words_of(text: str) -> list[str]:
    return text.lower().replace(",", " ").split()


def answers_given(message: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """What a message says in answer to the advisor's questions: button/`/inform` entities, volunteered
    text, or a correction of an answer in `answers` ("sorry, I meant 2016")."""
    text = message.get("text") or ""
    if text.startswith("/"):
        return sent_answers(message)
    given = volunteered_answers(text, recognised_specialism(message), ROUTE_CONTENT.specialisms)
    return {**given, **corrected_answers(text, answers)}


def misses_after(tracker: Tracker, requested: str | None, readings: dict[str, Parsed]) -> dict[str, Any]:
    """How many times in a row the requested question has now gone unanswered.

    A question back leaves the count as it was; an answer (or "not sure") sets it back to nothing.
    """
    misses = misses_of(tracker, requested)
    parsed = readings.get(requested or "")
    if parsed is None or parsed.question:
        count = misses
    elif parsed.problem and misses + 1 < MAX_ASKS:
        count = misses + 1
    else:
        count = 0
    return {"slot": requested, "count": count}


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
                for slot, raw in answers_given(message, {}).items():
                    if tracker.get_slot(slot) is None:
                        raw_answers[slot] = raw
        # A button or /inform message carries its answers as entities; typed text may volunteer some.
        answers = answers_in(tracker)
        given = answers_given(latest, answers)
        # Only what is new: a specialism named again in a later message is not noted again.
        raw_answers.update({slot: raw for slot, raw in given.items() if is_new(slot, raw, answers)})
        if requested in QUESTION_ORDER and requested not in given and not about_another_question(text, given):
            raw_answers[requested] = text
        elif requested in QUESTION_ORDER and text.startswith("/") and not given:
            raw_answers[requested] = None  # a command that answers nothing: a miss, said so, never a silent loop
        return [SlotSet(slot, raw) for slot, raw in raw_answers.items()]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Every answer, however it arrived, is read by parse_answer; what was understood is said back."""
        latest = tracker.latest_message or {}
        requested = tracker.get_slot("requested_slot")
        raw_answers = tracker.slots_to_validate()
        skipped = skipped_in(tracker)
        recognised = recognised_specialism(latest)
        readings = {slot: read(slot, raw_answers[slot], recognised) for slot in QUESTION_ORDER if slot in raw_answers}
        # Other questions an answer also answers ("yes, 2017" to the PhD question), unless given directly.
        for parsed in list(readings.values()):
            for slot, raw in parsed.also.items():
                readings.setdefault(slot, read(slot, raw))
        events: list[EventType] = []
        noted: dict[str, Any] = {}
        before = answers_before_latest_message(tracker)
        for slot, parsed in readings.items():
            if parsed.question and slot == requested:
                # A question back: answered, then the question is asked again; no miss.
                answer = CONTENT.answers[READING.explained_by[slot]]
                dispatcher.utter_message(text=render_answer(answer, CONTENT))
                events.append(SlotSet(slot, None))
                continue
            if parsed.question:
                continue  # a question is no correction of an earlier answer, which stays as it was
            value = parsed.value
            if parsed.problem and slot == requested and misses_of(tracker, slot) + 1 >= MAX_ASKS:
                value = UNSURE
                dispatcher.utter_message(text=READING.texts["taken_as_unsure"])
            elif parsed.problem:
                dispatcher.utter_message(text=parsed.problem)
            elif slot != requested and value != before.get(slot):
                noted[slot] = value
            elif parsed.approximate:
                dispatcher.utter_message(text=taken_as_text(slot, value, ROUTE_CONTENT, READING))
            if value is not None and not accepts(slot, value):
                # "not sure" where the rules have no such choice: the question is skipped, not asked again.
                skipped = sorted({*skipped, slot})
                value = None
            elif value is not None:
                skipped = [name for name in skipped if name != slot]
            events.append(SlotSet(slot, value))
            events += [SlotSet(cleared, None) for cleared in DEPENDENT_ANSWERS.get((slot, value), ())]
        if noted:
            dispatcher.utter_message(text=noted_text(noted, ROUTE_CONTENT, READING))
        if not readings:
            return events  # nothing to read (a command or an FAQ question): Rasa lets its rule answer
        return [
            *events,
            SlotSet(SKIPPED_SLOT, skipped),
            SlotSet(MISSES_SLOT, misses_after(tracker, requested, readings)),
        ]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> EventType | None:
        skipped = skipped_in(tracker)
        try:
            needed = [
                slot
                for slot in questions_needed(profile_from_slots(tracker.slots), dt.date.today(), ROUTE_CONTENT)
                if slot not in skipped
            ]
        except ProfileError:
            # Only reachable if a slot was set around this form; start the questions again.
            needed = ["registration"]
        return SlotSet("requested_slot", needed[0] if needed else None)


class ActionStartCheckFromAnswer(Action):
    """An answer given outside the check ("I'm a registered clinical scientist", or after the advice
    "actually it's 4 days") starts it, using the answer; once complete, the advice is given again.

    A message the NLU took for an answer but that answers nothing ("asdfgh") gets the topic list instead.
    """

    def name(self) -> str:
        return "action_start_check_from_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if answers_given(tracker.latest_message or {}, answers_in(tracker)):
            return [FollowupAction(FORM)]
        dispatcher.utter_message(text=CONTENT.interface["fallback_intro"], buttons=topic_buttons(CONTENT))
        return []


class ActionGiveRouteAdvice(Action):
    """Shows the recommendations for the answers collected by the form, after the answers they rest on."""

    def name(self) -> str:
        return "action_give_route_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        try:
            profile = profile_from_slots(tracker.slots)
            recommendations = advise(profile, dt.date.today(), ROUTE_CONTENT)
        except ProfileError:
            dispatcher.utter_message(
                text=CONTENT.interface["advice_unusable"], buttons=advice_buttons(CONTENT, feedback=False)
            )
            return []
        answers = {**answers_in(tracker), **{slot: UNSURE for slot in skipped_in(tracker)}}
        summary = advice_summary(answers, ROUTE_CONTENT, READING)
        text = render_advice(recommendations, profile, dt.date.today(), ROUTE_CONTENT, CONTENT)
        dispatcher.utter_message(text=f"{summary}\n\n{text}", buttons=advice_buttons(CONTENT))
        return []


class AskQuestion:
    """Asks one of the advisor's questions; an Action per question is made below (Rasa finds `action_ask_<slot>`).

    The second time in a row, it first says what was understood so far and offers "Not sure / skip".
    """

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        question = ROUTE_CONTENT.questions[self.slot]
        if misses_of(tracker, self.slot) >= MAX_ASKS - 1:
            dispatcher.utter_message(text=so_far_text(answers_in(tracker), ROUTE_CONTENT, READING))
            buttons = second_ask_buttons(question, dt.date.today(), ROUTE_CONTENT, READING)
            dispatcher.utter_message(text=question.text, buttons=buttons)
        else:
            dispatcher.utter_message(
                text=question.text, buttons=question_buttons(question, dt.date.today(), ROUTE_CONTENT)
            )
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
        cleared = [*QUESTION_ORDER, "requested_slot", MISSES_SLOT, SKIPPED_SLOT]
        return [SlotSet(slot, None) for slot in cleared]
