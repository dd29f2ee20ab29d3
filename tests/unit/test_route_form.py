"""The route advisor's Rasa actions, driven with tracker fixtures (tests/unit/trackers.py) and a dispatcher."""

import datetime as dt

import pytest

from actions.faq import ActionAnswerQuestion
from actions.route_form import (
    ASK_ACTIONS,
    FORM,
    ActionGiveRouteAdvice,
    ActionResetRouteAdvice,
    ActionStartCheckFromAnswer,
    ValidateRouteAdviceForm,
)
from actions.tracker_reading import MISSES_SLOT, SKIPPED_SLOT
from actions.wiring import CONTENT, READING, ROUTE_CONTENT
from advisor.render import IPEM_LABEL, feedback_buttons, feedback_payload, render_answer
from advisor.route.profile import QUESTION_ORDER
from tests.unit import trackers
from tests.unit.trackers import user_event

DOMAIN = {"forms": {"route_advice_form": {"required_slots": list(QUESTION_ORDER)}}}
MRI_PROFILE = {
    "registration": "clinical_scientist", "specialism": "MRI", "goal": "training", "nation": "england",
    "nhs_employed": "yes", "employer_nomination": "yes", "has_phd": "yes", "phd_year": 2024, "phd_relevant": "yes",
    "start_year": dt.date.today().year + 1, "wte": 1.0,
}  # fmt: skip


def tracker(text, intent, entities=(), slots=None, requested=None, earlier=(), active=True):
    """A conversation inside the route check (or, with active=False, outside it)."""
    return trackers.tracker(text, intent, entities, slots, requested, earlier, FORM if active else None)


def bookkeeping(misses_slot: str, count: int, skipped=()) -> dict:
    return {MISSES_SLOT: {"slot": misses_slot, "count": count}, SKIPPED_SLOT: list(skipped)}


def run(action, conversation):
    return trackers.run(action, conversation, DOMAIN)


def slot_sets(events) -> dict:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def answered_except(*slots: str) -> dict:
    return {name: value for name, value in MRI_PROFILE.items() if name not in slots}


def specialism(value: str) -> dict:
    return {"entity": "specialism", "value": value, "start": 0, "end": 3}


def test_the_opening_message_fills_what_it_says_and_asks_for_the_rest():
    text = "I'm an MRI physicist with a PhD from 2019, which route suits me?"
    _, events = run(ValidateRouteAdviceForm(), tracker(text, "ask_route_advice", [specialism("MRI")]))
    assert slot_sets(events) == {
        "specialism": "MRI", "has_phd": "yes", "phd_year": 2019, "requested_slot": "registration",
        **bookkeeping(None, 0),
    }  # fmt: skip


def test_what_was_said_before_the_check_started_is_used_without_overwriting():
    earlier = [user_event("I'm an MRI physicist with a PhD from 2019", "inform", [specialism("MRI")])]
    _, events = run(
        ValidateRouteAdviceForm(),
        tracker("/ask_route_advice", "ask_route_advice", earlier=earlier, slots={"phd_year": 2012, "has_phd": "yes"}),
    )
    assert slot_sets(events) == {"specialism": "MRI", "requested_slot": "registration", **bookkeeping(None, 0)}


@pytest.mark.parametrize("payload_value", ["1850", "2035", "-3", "banana", 2019.5, ["2019"]])
def test_an_inform_command_goes_through_the_same_checks_as_typed_answers(payload_value):
    entities = [{"entity": "phd_year", "value": payload_value}]
    messages, events = run(
        ValidateRouteAdviceForm(),
        tracker("/inform{...}", "inform", entities, slots=answered_except("phd_year"), requested="phd_year"),
    )
    assert slot_sets(events)["phd_year"] is None
    assert slot_sets(events)["requested_slot"] == "phd_year"
    assert messages and messages[0]["text"]


def test_a_bad_typed_answer_is_asked_again_with_a_reason():
    asked_hours = tracker("banana", "nlu_fallback", slots=answered_except("wte"), requested="wte")
    messages, events = run(ValidateRouteAdviceForm(), asked_hours)
    assert slot_sets(events) == {"wte": None, "requested_slot": "wte", **bookkeeping("wte", 1)}
    assert "full-time week" in messages[0]["text"]


def test_a_question_in_the_middle_is_left_to_the_faq_rule():
    _, events = run(ValidateRouteAdviceForm(), tracker("What is HSSE?", "ask_hsse", requested="goal"))
    # Only requested_slot: Rasa then rejects the form and the FAQ rule answers.
    assert set(slot_sets(events)) == {"requested_slot"}


def test_a_short_answer_that_looks_like_an_faq_topic_is_still_an_answer():
    _, events = run(ValidateRouteAdviceForm(), tracker("0.6 WTE", "ask_part_time", requested="wte"))
    assert slot_sets(events)["wte"] == 0.6


def test_an_unreadable_answer_that_looks_like_an_faq_topic_is_a_miss_not_a_question():
    # Taken as a question, it was answered and the question asked again, without end.
    text = "physiological measurement stuff"
    messages, events = run(ValidateRouteAdviceForm(), tracker(text, "ask_tracks_specialisms", requested="specialism"))
    assert slot_sets(events)[MISSES_SLOT] == {"slot": "specialism", "count": 1}
    assert messages and messages[0]["text"]  # why it is asked again


@pytest.mark.parametrize("intent", ["stop_advice", "restart_advice", "goodbye"])
def test_commands_are_not_taken_as_answers(intent):
    _, events = run(ValidateRouteAdviceForm(), tracker("never mind", intent, requested="has_phd"))
    assert set(slot_sets(events)) == {"requested_slot"}


def test_a_correction_changes_the_earlier_answer_and_no_phd_clears_its_year():
    slots = {"registration": "clinical_scientist", "specialism": "MRI", "has_phd": "yes", "phd_year": 2019}
    messages, events = run(
        ValidateRouteAdviceForm(),
        tracker("sorry, I don't have a PhD", "inform", slots=slots, requested="phd_relevant"),
    )
    sets = slot_sets(events)
    assert sets["has_phd"] == "no" and sets["phd_year"] is None and sets["phd_relevant"] is None
    assert sets["requested_slot"] == "goal"
    assert "Noted: no PhD." in [message["text"] for message in messages]


def test_the_form_finishes_when_the_rules_need_nothing_more():
    _, events = run(ValidateRouteAdviceForm(), tracker("not registered yet", "inform", requested="registration"))
    assert slot_sets(events) == {
        "registration": "not_registered",
        "requested_slot": None,
        **bookkeeping("registration", 0),
    }


def test_the_advice_lists_recommendations_with_reasons_and_sources_and_marks_ipem():
    messages, _ = run(ActionGiveRouteAdvice(), tracker("full time", "inform", slots=MRI_PROFILE))
    text = messages[0]["text"]
    assert text.startswith("Based on your answers: HCPC clinical scientist; MRI; Training (HSST); England;")
    for advice_id in ("route.hsst_in_service", "section_c.research_exemption_likely", "track.imaging_for_mri"):
        assert ROUTE_CONTENT.advice[advice_id].label in text
    assert "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/" in text
    assert f"{ROUTE_CONTENT.advice['track.imaging_for_mri'].label} ({IPEM_LABEL})" in text
    assert "- [IPEM: IPEM supports the National School" in text
    assert ROUTE_CONTENT.closing_text in text and "https://nshcs.hee.nhs.uk/" in text
    assert [button["payload"] for button in messages[0]["buttons"]] == [
        "/restart_advice", "/ask_capabilities", feedback_payload("route_advice", True),
        feedback_payload("route_advice", False)
    ]  # fmt: skip


def test_answers_that_got_past_the_checks_give_no_advice():
    messages, _ = run(ActionGiveRouteAdvice(), tracker("x", "inform", slots={**MRI_PROFILE, "phd_year": 1850}))
    assert messages[0]["text"] == CONTENT.interface["advice_unusable"]


def test_a_future_phd_never_gets_advice():
    future = dt.date.today().year + 1
    messages, _ = run(ActionGiveRouteAdvice(), tracker("x", "inform", slots={**MRI_PROFILE, "phd_year": future}))
    assert messages[0]["text"] == CONTENT.interface["advice_unusable"]


def test_each_question_is_asked_with_buttons_that_send_inform():
    by_slot = {action().slot: action() for action in ASK_ACTIONS}
    assert set(by_slot) == set(QUESTION_ORDER)
    messages, _ = run(by_slot["registration"], tracker("x", "ask_route_advice"))
    assert messages[0]["text"] == ROUTE_CONTENT.questions["registration"].text
    assert messages[0]["buttons"][0]["payload"] == '/inform{"registration": "clinical_scientist"}'


@pytest.mark.parametrize(
    "intent, text_key", [("stop_advice", "advice_stopped"), ("restart_advice", "advice_restarted")]
)
def test_stop_and_start_again_clear_every_answer(intent, text_key):
    messages, events = run(ActionResetRouteAdvice(), tracker("stop", intent, slots=MRI_PROFILE))
    assert messages[0]["text"] == CONTENT.interface[text_key]
    assert slot_sets(events) == {name: None for name in [*QUESTION_ORDER, "requested_slot", MISSES_SLOT, SKIPPED_SLOT]}


def test_eligibility_answers_offer_the_check_outside_it_but_not_inside():
    outside, _ = run(ActionAnswerQuestion(), tracker("Am I eligible?", "ask_entry_requirements", active=False))
    feedback = feedback_buttons("ask_entry_requirements", CONTENT)
    offer = {"title": CONTENT.interface["route_check_button"], "payload": "/ask_route_advice"}
    assert outside[0]["buttons"] == [offer, *feedback]
    inside, _ = run(ActionAnswerQuestion(), tracker("Am I eligible?", "ask_entry_requirements"))
    assert inside[0]["buttons"] == feedback


def test_an_answer_outside_the_check_starts_it_and_anything_else_gets_the_topics():
    _, events = run(
        ActionStartCheckFromAnswer(), tracker("I'm a registered clinical scientist", "inform", active=False)
    )
    assert events == [{"event": "followup", "name": "route_advice_form", "timestamp": None}]
    messages, events = run(ActionStartCheckFromAnswer(), tracker("asdfgh", "inform", active=False))
    assert events == [] and messages[0]["text"] == CONTENT.interface["fallback_intro"]
    assert len(messages[0]["buttons"]) == len(CONTENT.answers)


# --- never a third time, said back, questions back, corrections ---------------------------------

# A reply no reader takes for an answer to any question.
GIBBERISH = "qwzx vbnm"


@pytest.mark.parametrize("slot", QUESTION_ORDER)
def test_no_question_is_asked_a_third_time(slot):
    first, events = run(ValidateRouteAdviceForm(), tracker(GIBBERISH, "nlu_fallback", requested=slot))
    assert slot_sets(events)[MISSES_SLOT] == {"slot": slot, "count": 1}
    assert first  # the reason it is asked again
    ask = next(action() for action in ASK_ACTIONS if action().slot == slot)
    second_ask, _ = run(ask, tracker("x", "nlu_fallback", slots=slot_sets(events), requested=slot))
    assert second_ask[0]["text"] in (READING.texts["nothing_so_far"],) or second_ask[0]["text"].startswith("So far")
    payloads = [button["payload"] for button in second_ask[-1]["buttons"]]
    assert f'/inform{{"{slot}": "unsure"}}' in payloads
    messages, events = run(
        ValidateRouteAdviceForm(),
        tracker(GIBBERISH, "nlu_fallback", slots={MISSES_SLOT: {"slot": slot, "count": 1}}, requested=slot),
    )
    assert messages[0]["text"] == READING.texts["taken_as_unsure"]
    sets = slot_sets(events)
    assert sets[slot] == "unsure" or slot in sets[SKIPPED_SLOT]
    assert sets["requested_slot"] != slot


def test_the_second_ask_says_what_was_understood_so_far():
    slots = {"registration": "clinical_scientist", "specialism": "MRI", MISSES_SLOT: {"slot": "goal", "count": 1}}
    ask = next(action() for action in ASK_ACTIONS if action().slot == "goal")
    messages, _ = run(ask, tracker("x", "nlu_fallback", slots=slots, requested="goal"))
    assert messages[0]["text"] == "So far I have: HCPC clinical scientist; MRI."
    assert messages[1]["text"] == ROUTE_CONTENT.questions["goal"].text


def test_not_sure_where_the_rules_have_no_such_answer_skips_the_question():
    slots = {"registration": "clinical_scientist", "specialism": "MRI", "goal": "training"}
    _, events = run(ValidateRouteAdviceForm(), tracker("/inform", "inform", [{"entity": "nation", "value": "unsure"}],
                                                       slots=slots, requested="nation"))  # fmt: skip
    sets = slot_sets(events)
    assert sets["nation"] is None and sets[SKIPPED_SLOT] == ["nation"] and sets["requested_slot"] != "nation"


def test_a_question_back_is_answered_then_asked_again_with_no_miss():
    slots = {"registration": "clinical_scientist", "specialism": "MRI", MISSES_SLOT: {"slot": "goal", "count": 1}}
    messages, events = run(
        ValidateRouteAdviceForm(),
        tracker("not sure, what's the difference?", "nlu_fallback", slots=slots, requested="goal"),
    )
    assert messages[0]["text"] == render_answer(CONTENT.answers[READING.explained_by["goal"]], CONTENT)
    sets = slot_sets(events)
    assert sets["goal"] is None and sets["requested_slot"] == "goal"
    assert sets[MISSES_SLOT] == {"slot": "goal", "count": 1}


def test_an_approximate_answer_is_said_back():
    slots = {"registration": "clinical_scientist", "specialism": "MRI", "goal": "recognition"}
    messages, events = run(
        ValidateRouteAdviceForm(), tracker("5 or 6", "inform", slots=slots, requested="senior_years")
    )
    assert slot_sets(events)["senior_years"] == 5.0
    assert messages[0]["text"] == "I've taken that as 5 years at a senior level."


def test_facts_given_with_an_answer_are_noted_and_not_asked():
    slots = answered_except("has_phd", "phd_year", "phd_relevant", "start_year", "wte")
    messages, events = run(
        ValidateRouteAdviceForm(),
        tracker("yes, got it 2024, I work 3 days a week", "inform", slots=slots, requested="has_phd"),
    )
    sets = slot_sets(events)
    assert (sets["has_phd"], sets["phd_year"], sets["wte"]) == ("yes", 2024, 0.6)
    assert "Noted: PhD 2024; 0.6 WTE." in [message["text"] for message in messages]
    assert sets["requested_slot"] == "phd_relevant"


def test_a_correction_during_the_check_changes_the_earlier_answer():
    slots = answered_except("wte", "phd_year")
    messages, events = run(
        ValidateRouteAdviceForm(), tracker("sorry, I meant 2023", "inform", slots=slots, requested="wte")
    )
    assert slot_sets(events)["phd_year"] == 2023
    assert slot_sets(events)[MISSES_SLOT] == {"slot": "wte", "count": 1}  # wte itself still unanswered


def test_a_correction_after_the_advice_restarts_the_check_and_changes_the_answer():
    start, events = run(ActionStartCheckFromAnswer(), tracker("actually it's 3 days", "inform", slots=MRI_PROFILE,
                                                              active=False))  # fmt: skip
    assert events == [{"event": "followup", "name": "route_advice_form", "timestamp": None}]
    messages, events = run(ValidateRouteAdviceForm(), tracker("actually it's 3 days", "inform", slots=MRI_PROFILE))
    assert slot_sets(events)["wte"] == 0.6 and slot_sets(events)["requested_slot"] is None
    assert "Noted: 0.6 WTE." in [message["text"] for message in messages]


def test_a_long_message_about_something_else_is_not_read_as_the_answer():
    slots = answered_except("phd_relevant", "employer_nomination", "start_year", "wte")
    _, events = run(
        ValidateRouteAdviceForm(),
        tracker("I'm not sure my employer would nominate me", "inform", slots=slots, requested="phd_relevant"),
    )
    sets = slot_sets(events)
    assert sets["employer_nomination"] == "unsure" and "phd_relevant" not in sets


def test_a_specialism_button_is_an_answer():
    slots = {"registration": "clinical_scientist"}
    entities = [{"entity": "specialism", "value": "MRI"}]
    _, events = run(ValidateRouteAdviceForm(), tracker('/inform{"specialism": "MRI"}', "inform", entities, slots=slots,
                                                       requested="specialism"))  # fmt: skip
    assert slot_sets(events)["specialism"] == "MRI"


def test_a_command_that_answers_nothing_is_a_miss_never_a_silent_loop():
    messages, events = run(ValidateRouteAdviceForm(), tracker("/inform{}", "inform", requested="registration"))
    assert slot_sets(events)[MISSES_SLOT] == {"slot": "registration", "count": 1} and messages


def test_a_question_never_clears_an_earlier_answer():
    slots = answered_except("wte")
    _, events = run(ValidateRouteAdviceForm(), tracker("sorry, what if it was 2023?", "nlu_fallback", slots=slots,
                                                       requested="wte"))  # fmt: skip
    assert "phd_year" not in slot_sets(events)


def test_a_correction_after_the_advice_notes_only_what_changed():
    # As the form starts again, Rasa passes every answer already given back to it for checking.
    earlier = [{"event": "slot", "name": slot, "value": value} for slot, value in MRI_PROFILE.items()]
    conversation = tracker("sorry, I meant 2023", "inform", slots=MRI_PROFILE, earlier=earlier)
    conversation.events.extend({"event": "slot", "name": slot, "value": value} for slot, value in MRI_PROFILE.items())
    messages, events = run(ValidateRouteAdviceForm(), conversation)
    assert slot_sets(events)["phd_year"] == 2023
    assert [message["text"] for message in messages] == ["Noted: PhD 2023."]
