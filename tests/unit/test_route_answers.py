"""Reading answers from what people type or click: every way in goes through parse_answer."""

import datetime as dt

import pytest

from advisor.faq_content import load_content
from advisor.route.answers import parse_answer, volunteered_answers
from advisor.route.content import load_route_content
from advisor.route.profile import QUESTION_ORDER, Profile
from tests.conftest import CONTENT_DIR

TODAY = dt.date(2026, 11, 27)
ROUTE_CONTENT = load_route_content(CONTENT_DIR, TODAY, load_content(CONTENT_DIR, TODAY))


@pytest.mark.parametrize(
    "slot, typed, value",
    [
        ("registration", "I'm HCPC registered as a clinical scientist", "clinical_scientist"),
        ("registration", "registered BMS", "biomedical_scientist"),
        ("registration", "AHCS, my STP equivalence is under way", "equivalence_under_way"),
        ("registration", "not yet", "not_registered"),
        ("registration", "no idea", "unsure"),
        ("specialism", "other", "other"),
        ("goal", "I want to train", "training"),
        ("goal", "recognition of my experience", "recognition"),
        ("goal", "not sure", "unsure"),
        ("senior_years", "5", 5.0),
        ("senior_years", "about four years", 4.0),
        ("senior_years", "4.5 years", 4.5),
        ("phd_year", "2019", 2019),
        ("phd_year", "it was awarded in 2016", 2016),
        ("phd_year", "2026", 2026),
        ("wte", "full time", 1.0),
        ("wte", "0.8", 0.8),
        ("wte", ".6", 0.6),
        ("wte", "0.59", 0.59),
        ("wte", "80%", 0.8),
        ("wte", "4 days a week", 0.8),
        ("wte", "22.5 hours", 0.6),
        ("wte", "45 hours a week", 1.0),
        ("has_phd", "yes I do", "yes"),
        ("has_phd", "nope", "no"),
        ("nhs_employed", "I'm not", "no"),
        ("employer_nomination", "I don't know", "unsure"),
        ("phd_relevant", "yes", "yes"),
        ("bms_diploma", "no", "no"),
    ],
)
def test_typed_answers_are_read(slot, typed, value):
    parsed = parse_answer(slot, typed, TODAY, ROUTE_CONTENT)
    assert parsed.problem is None
    assert parsed.value == value


@pytest.mark.parametrize(
    "slot, typed",
    [
        ("phd_year", "2035"),
        ("phd_year", "1850"),
        ("phd_year", "-3"),
        ("phd_year", "banana"),
        ("phd_year", "2015 or 2016"),
        ("phd_year", 2019.5),
        ("wte", "-3"),
        ("wte", "0"),
        ("wte", "2"),
        ("wte", "banana"),
        ("wte", "part time"),
        ("senior_years", "-3"),
        ("senior_years", "120"),
        ("senior_years", "banana"),
        ("senior_years", True),
        ("registration", "banana"),
        ("registration", "yes"),
        ("specialism", "banana"),
        ("goal", "banana"),
        ("has_phd", "banana"),
        ("has_phd", "not sure"),
        ("nhs_employed", ["yes"]),
        ("registration", {"a": 1}),
        ("wte", None),
        ("wte", ""),
        ("wte", "   "),
        ("phd_year", "9" * 5000),
        ("phd_relevant", "the thing is my employer is a private company not the NHS"),
    ],
)
def test_bad_answers_get_a_problem_to_say_never_a_value(slot, typed):
    parsed = parse_answer(slot, typed, TODAY, ROUTE_CONTENT)
    assert parsed.value is None
    assert parsed.problem


def test_button_values_are_read_like_typed_answers_and_accepted_by_the_rules():
    questions = ROUTE_CONTENT.questions
    assert set(questions) == set(QUESTION_ORDER), "every question the rules can ask needs its text"
    for slot, question in questions.items():
        for title, value in question.buttons:
            parsed = parse_answer(slot, value, TODAY, ROUTE_CONTENT)
            assert parsed.problem is None, (slot, title)
            Profile.from_answers({slot: parsed.value})


@pytest.mark.parametrize(
    "text, specialism, found",
    [
        ("I'm an MRI physicist with a PhD from 2019, which route suits me?", "MRI",
         {"specialism": "MRI", "has_phd": "yes", "phd_year": "2019"}),
        ("Can I skip Part C if I have a PhD?", None, {}),
        ("I don't have a PhD", None, {"has_phd": "no"}),
        ("actually my PhD was 2012", None, {"has_phd": "yes", "phd_year": "2012"}),
        ("I'm an MRI physicist with a PhD from 2019. Can I skip Part C?", "MRI",
         {"specialism": "MRI", "has_phd": "yes", "phd_year": "2019"}),
        ("I'm a registered clinical scientist", None, {"registration": "clinical_scientist"}),
        ("I'm not registered yet", None, {"registration": "not_registered"}),
        ("How long does HSST take?", None, {}),
        ("I have a PhD from 2015 and one from 2019", None, {"has_phd": "yes"}),
        ("actually my employer wouldn't nominate me", None, {"employer_nomination": "no"}),
        ("I'm not sure my employer would nominate me", None, {"employer_nomination": "unsure"}),
        ("correction: I'm not employed by the NHS", None, {"nhs_employed": "no"}),
        ("sorry, I can only work 0.6 WTE", None, {"wte": "0.6 WTE"}),
        ("I can do 30 hours a week", None, {"wte": "30 hours a week"}),
        ("I've been 6 years at consultant level", None, {"senior_years": "6 years at consultant"}),
    ],
)  # fmt: skip
def test_only_clear_statements_count_as_volunteered_answers(text, specialism, found):
    assert volunteered_answers(text, specialism, ROUTE_CONTENT.specialisms) == found
