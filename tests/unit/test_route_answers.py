"""Reading answers from what people type or click: every way in goes through parse_answer.

The phrasings here are the developers' own. The held-out typed answers
(tests/heldout/typed_answers.yml) are only measured (tools/evaluate_route_reading.py), and the
last test checks that none of them is among the examples the reader uses.
"""

import datetime as dt

import numpy as np
import pytest
import yaml

from advisor.faq_content import load_content
from advisor.route.answers import (
    NearestExamples,
    corrected_answers,
    is_question_back,
    load_reading_content,
    parse_answer,
    volunteered_answers,
)
from advisor.route.content import load_route_content
from advisor.route.profile import QUESTION_ORDER, Profile
from tests.conftest import CONTENT_DIR, ROOT

TODAY = dt.date(2026, 11, 27)
# Content is checked against the real date: its review dates move on as answers are reviewed.
CONTENT = load_content(CONTENT_DIR, dt.date.today())
ROUTE_CONTENT = load_route_content(CONTENT_DIR, TODAY, CONTENT)
READING = load_reading_content(CONTENT_DIR, tuple(CONTENT.answers))


def read(slot, typed, nearest=None):
    return parse_answer(slot, typed, TODAY, ROUTE_CONTENT, READING, None, nearest)


@pytest.mark.parametrize(
    "slot, typed, value",
    [
        ("registration", "I'm HCPC registered as a clinical scientist", "clinical_scientist"),
        ("registration", "clinical scientst, HCPC", "clinical_scientist"),
        ("registration", "registered BMS", "biomedical_scientist"),
        ("registration", "AHCS, my STP equivalence is under way", "equivalence_under_way"),
        ("registration", "through the Association of Clinical Scientists, route two", "acs_route_2"),
        ("registration", "not yet", "not_registered"),
        ("registration", "my HCPC registration expired in 2023", "lapsed"),
        ("registration", "it lapsed during my career break", "lapsed"),
        ("registration", "sent my HCPC application off, pending", "hcpc_pending"),
        ("registration", "no idea", "unsure"),
        ("specialism", "other", "other"),
        ("specialism", "MR physics", "MRI"),
        ("specialism", "MRI phsyics", "MRI"),
        ("specialism", "nuclear medicine physics, mostly PET", "nuclear medicine"),
        ("specialism", "I do radiation protection and diagnostic radiology", "radiation safety"),
        ("specialism", "virology", "virology"),
        ("specialism", "toxicology", "toxicology"),
        ("goal", "I want to train", "training"),
        ("goal", "training, I don't have the years for equivalence", "training"),
        ("goal", "recognition of my experience", "recognition"),
        ("goal", "I'm working at that level already", "recognition"),
        ("goal", "not sure", "unsure"),
        ("goal", "it depends on the cost", "unsure"),
        ("senior_years", "5", 5.0),
        ("senior_years", "about four years", 4.0),
        ("senior_years", "4.5 years", 4.5),
        ("senior_years", "7 or 8", 7.0),
        ("senior_years", "none yet, I'm a band 6", 0.0),
        ("senior_years", "not that level, I'm 8b", 0.0),
        ("senior_years", "band 8a for 3 years", 3.0),
        ("senior_years", "since 2020", 6.0),
        ("senior_years", "12 years not 2", 12.0),
        ("senior_years", "no idea really", "unsure"),
        ("nation", "Swansea", "wales"),
        ("nation", "velindre cancer centre", "wales"),
        ("nation", "NHS Lothian", "scotland"),
        ("nation", "Belfast HSC trust", "northern_ireland"),
        ("nation", "scottland", "scotland"),
        ("nation", "working in Canada", "elsewhere"),
        ("phd_year", "2019", 2019),
        ("phd_year", "it was awarded in 2016", 2016),
        ("phd_year", "2026", 2026),
        ("phd_year", "viva in 2014, awarded in 2015", 2015),
        ("phd_year", "'11", 2011),
        ("phd_year", "about 5 years ago", 2021),
        ("phd_year", "can't remember exactly", "unsure"),
        ("start_year", "2028", 2028),
        ("start_year", "next year", 2027),
        ("start_year", "in 3 years", 2029),
        ("start_year", "2028 or 2029", 2028),
        ("wte", "full time", 1.0),
        ("wte", "0.8", 0.8),
        ("wte", ".6", 0.6),
        ("wte", "0.59", 0.59),
        ("wte", "80%", 0.8),
        ("wte", "4 days a week", 0.8),
        ("wte", "22.5 hours", 0.6),
        ("wte", "45 hours a week", 1.0),
        ("wte", "half", 0.5),
        ("wte", "don't know yet", "unsure"),
        ("has_phd", "yes I do", "yes"),
        ("has_phd", "nope", "no"),
        ("has_phd", "not sure", "unsure"),
        ("nhs_employed", "I'm not", "no"),
        ("nhs_employed", "no, I work for a device company", "no"),
        ("nhs_employed", "yes, at an NHS trust", "yes"),
        ("nhs_employed", "yes but in nuclear medicine", "other_specialism"),
        ("employer_nomination", "I don't know", "unsure"),
        ("employer_nomination", "I'd say they would, not totally sure", "unsure"),
        ("employer_nomination", "they probably would", "unsure"),
        ("employer_nomination", "haven't asked them", "unsure"),
        ("phd_relevant", "yes", "yes"),
        ("phd_relevant", "somewhat related", "unsure"),
        ("bms_diploma", "no", "no"),
        ("bms_diploma", "I might have", "unsure"),
    ],
)
def test_typed_answers_are_read(slot, typed, value):
    parsed = read(slot, typed)
    assert parsed.problem is None and not parsed.question
    assert parsed.value == value


@pytest.mark.parametrize(
    "slot, typed, approximate",
    [("senior_years", "6", False), ("senior_years", "about 6 years", True), ("senior_years", "7 or 8", True),
     ("senior_years", "since 2020", True), ("phd_year", "2015ish", True), ("specialism", "MRI phsyics", True),
     ("start_year", "next year", True)],
)  # fmt: skip
def test_approximate_readings_are_marked_to_be_said_back(slot, typed, approximate):
    assert read(slot, typed).approximate is approximate


@pytest.mark.parametrize(
    "slot, typed",
    [
        # a number that belongs to something else is not the answer
        ("senior_years", "band 7"),
        ("phd_year", "band 7"),
        ("senior_years", "I've been band 8a since 2012 and 8b since 2019"),
        # out of range or not an answer
        ("phd_year", "2035"),
        ("phd_year", "1850"),
        ("phd_year", "-3"),
        ("phd_year", "banana"),
        ("phd_year", "2015 or 2016"),
        ("phd_year", 2019.5),
        ("start_year", "2019"),
        ("start_year", "2045"),
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
        ("registration", "HCPC registered, not on the AHCS register"),  # clinical or biomedical?
        ("registration", "yes"),
        ("specialism", "banana"),
        ("goal", "banana"),
        ("nation", "moving from Wales to England"),
        ("nation", "NHS Highland"),
        ("has_phd", "banana"),
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
    parsed = read(slot, typed)
    assert parsed.value is None
    assert parsed.problem


@pytest.mark.parametrize(
    "slot, typed, wrong",
    [
        ("has_phd", "no idea", "no"),  # "no idea" is doubt, not "no"
        ("employer_nomination", "no idea", "no"),
        ("phd_relevant", "I'd say yes, but I'm not 100% sure", "yes"),
        ("employer_nomination", "I think so", "yes"),
        ("goal", "training, I lack the experience for equivalence", "recognition"),
        ("registration", "it lapsed, I was a clinical scientist", "clinical_scientist"),
        ("registration", "HCPC application in, waiting for them", "clinical_scientist"),
        ("senior_years", "none, I'm a band 7", 7.0),
        ("senior_years", "not at that level yet, band 8a", 8.0),
        ("nhs_employed", "not sure, university contract", "no"),
    ],
)
def test_misreadings_that_must_not_happen(slot, typed, wrong):
    assert read(slot, typed).value != wrong


@pytest.mark.parametrize(
    "typed",
    ["not sure, what is the difference?", "whats the difference between them", "does an MSc count?",
     "which one is shorter?", "how is relevance decided?"],
)  # fmt: skip
def test_a_question_back_is_neither_an_answer_nor_not_sure(typed):
    for slot in ("goal", "phd_relevant", "registration"):
        parsed = read(slot, typed)
        assert parsed.question and parsed.value is None and parsed.problem is None


@pytest.mark.parametrize("typed", ["I think so?", "yes", "could be", "2019?", "is that ok, 4 days"])
def test_doubt_and_answers_with_a_question_mark_are_not_questions_back(typed):
    assert not is_question_back(typed)


def test_button_values_are_read_like_typed_answers_and_accepted_by_the_rules():
    questions = ROUTE_CONTENT.questions
    assert set(questions) == set(QUESTION_ORDER), "every question the rules can ask needs its text"
    for slot, question in questions.items():
        for title, value in question.buttons:
            parsed = read(slot, value)
            assert parsed.problem is None, (slot, title)
            Profile.from_answers({slot: parsed.value})


def test_not_sure_is_an_answer_to_every_question():
    for slot in QUESTION_ORDER:
        assert read(slot, "unsure").value == "unsure", slot


def test_an_answer_that_answers_more_says_so():
    assert read("has_phd", "yes, 2016").also == {"phd_year": "2016"}
    assert read("has_phd", "yes from 2018, and I do 3 days a week").also == {"phd_year": "2018", "wte": "3 days a week"}
    assert read("has_phd", "no").also == {}


@pytest.mark.parametrize(
    "text, answers, corrected",
    [
        ("sorry, I meant 2015", {"has_phd": "yes", "phd_year": 2012}, {"phd_year": "sorry, I meant 2015"}),
        ("actually it's 3 days", {"wte": 1.0}, {"wte": "actually it's 3 days"}),
        ("sorry, 9 years not 3", {"senior_years": 3.0}, {"senior_years": "sorry, 9 years not 3"}),
        ("I meant 2015", {"has_phd": "no"}, {}),
        ("2015", {"has_phd": "yes"}, {}),
        ("actually, what is HSSE?", {"senior_years": 3.0}, {}),
    ],
)
def test_corrections_name_the_answer_they_change(text, answers, corrected):
    assert corrected_answers(text, answers) == corrected


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
        ("my HCPC registration lapsed", None, {"registration": "lapsed"}),
        ("How long does HSST take?", None, {}),
        ("I have a PhD from 2015 and one from 2019", None, {"has_phd": "yes"}),
        ("actually my employer wouldn't nominate me", None, {"employer_nomination": "no"}),
        ("I'm not sure my employer would nominate me", None, {"employer_nomination": "unsure"}),
        ("correction: I'm not employed by the NHS", None, {"nhs_employed": "no"}),
        ("sorry, I can only work 0.6 WTE", None, {"wte": "0.6 WTE"}),
        ("I can do 30 hours a week", None, {"wte": "30 hours a week"}),
        ("I've been 6 years at senior level", None, {"senior_years": "6 years at senior"}),
    ],
)  # fmt: skip
def test_only_clear_statements_count_as_volunteered_answers(text, specialism, found):
    assert volunteered_answers(text, specialism, ROUTE_CONTENT.specialisms) == found


def fake_embed(text: str) -> np.ndarray:
    """A stand-in encoder: letter counts, normalised (the real one is tested in tests/rasa_server)."""
    vector = np.zeros(26)
    for letter in text.lower():
        if "a" <= letter <= "z":
            vector[ord(letter) - ord("a")] += 1
    return vector / max(np.linalg.norm(vector), 1e-12)


def test_the_nearest_example_reads_what_the_rules_cannot_and_is_said_back():
    nearest = NearestExamples(READING, fake_embed)
    slot, value, example = next(
        (slot, value, text)
        for slot, by_value in READING.examples.items()
        for value, texts in by_value.items()
        for text in texts
        if read(slot, text).problem  # the plain rules cannot read it
    )
    parsed = read(slot, example, nearest)
    assert parsed.value == value and parsed.approximate


def test_the_nearest_example_needs_to_be_close_enough():
    nearest = NearestExamples(READING, fake_embed)
    assert read("goal", "zzzz qqqq", nearest).problem


def test_no_held_out_answer_is_among_the_examples_the_reader_uses():
    heldout = yaml.safe_load((ROOT / "tests/heldout/typed_answers.yml").read_text(encoding="utf-8"))
    heldout_texts = {" ".join(item["text"].lower().split()) for items in heldout.values() for item in items}
    used = [text for by_value in READING.examples.values() for texts in by_value.values() for text in texts]
    training = (ROOT / "data/nlu").glob("*.yml")
    used += [line.strip()[2:] for path in training for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("- ")]  # fmt: skip
    # One word ("yes", "MRI", "2019") is the vocabulary every reader must know, not a phrasing to learn.
    phrasings = {text for text in heldout_texts if len(text.split()) > 1}
    leaked = sorted({" ".join(text.lower().split()) for text in used} & phrasings)
    assert not leaked, f"held-out answers used as examples: {leaked}"


def test_the_held_out_set_covers_every_question_with_fifteen_answers():
    heldout = yaml.safe_load((ROOT / "tests/heldout/typed_answers.yml").read_text(encoding="utf-8"))
    assert set(heldout) == set(QUESTION_ORDER)
    assert all(len(items) >= 15 for items in heldout.values())


def test_the_reading_evaluator_loads_content_as_of_today_and_reads_as_of_its_day():
    # `make evaluate-reading` once loaded content as of its held-out day, 2026-12-01, and stopped on the first answer
    # reviewed after it ("last_reviewed ... is in the future").
    from tools.evaluate_route_reading import TODAY, shipped_reading

    route, reading = shipped_reading()
    assert parse_answer("start_year", "next year", TODAY, route, reading).value == TODAY.year + 1
