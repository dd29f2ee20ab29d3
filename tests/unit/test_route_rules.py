"""The route advisor's rules, driven by the YAML case files in tests/unit/route_cases/.

Each case checks one thing, so that a new rule (a caveat, say) does not mean editing every case:
`gives` (a recommendation is in the advice, optionally with a phrase it `says` and a `source` it
cites), `not` (a recommendation is absent), or `asks` (the questions still to ask, in order).
`typed` answers go through the answer reader first, as in the conversation.
"""

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

from advisor.faq_content import load_content
from advisor.render import question_buttons, render_advice
from advisor.route.answers import load_reading_content, parse_answer
from advisor.route.content import load_route_content
from advisor.route.profile import (
    GOALS,
    NATIONS,
    NHS_EMPLOYMENTS,
    QUESTION_ORDER,
    REGISTRATIONS,
    YES_NO,
    YES_NO_UNSURE,
    Profile,
    ProfileError,
)
from advisor.route.rules import RULES, advise, questions_needed, years_before
from tests.conftest import CONTENT_DIR, ROOT

CASES_DIR = Path(__file__).parent / "route_cases"
CASE_FILES = ("issue_table.yml", "defects.yml", "routes.yml", "boundaries.yml")
DEFAULT_TODAY = dt.date(2026, 11, 27)
CONTENT = load_content(CONTENT_DIR, dt.date.today())  # review dates are checked against the real date
ROUTE_CONTENT = load_route_content(CONTENT_DIR, DEFAULT_TODAY, CONTENT)
READING = load_reading_content(CONTENT_DIR, tuple(CONTENT.answers))
# Names that contain digits but state no number: the advice may write them as they are.
NAMES_WITH_DIGITS = ("RPA 2000", "Route 2", "Parts 1 and 2", "Part 1", "Part 2")


def case_list(file_name: str) -> list[dict]:
    return yaml.safe_load((CASES_DIR / file_name).read_text(encoding="utf-8"))


def cases(*file_names: str) -> list:
    return [pytest.param(case, id=f"{name}: {case['name']}") for name in file_names for case in case_list(name)]


def today_of(case: dict) -> dt.date:
    return case.get("today", DEFAULT_TODAY)


def profile_of(case: dict) -> Profile:
    """The case's answers, with its `typed` ones read the way the conversation reads them."""
    answers = dict(case.get("profile", {}))
    for slot, typed in case.get("typed", {}).items():
        parsed = parse_answer(slot, typed, today_of(case), ROUTE_CONTENT, READING)
        assert parsed.problem is None, (slot, typed, parsed.problem)
        answers[slot] = parsed.value
    return Profile.from_answers(answers)


def paragraph_of(advice_id: str, profile: Profile, today: dt.date) -> str:
    """The rendered paragraph of one recommendation, found by its label."""
    recommendations = advise(profile, today, ROUTE_CONTENT)
    text = render_advice(recommendations, profile, today, ROUTE_CONTENT, CONTENT)
    number = [each.id for each in recommendations].index(advice_id) + 1
    return next(part for part in text.split("\n\n") if part.startswith(f"{number}. "))


@pytest.mark.parametrize("case", cases(*CASE_FILES))
def test_case(case):
    profile, today = profile_of(case), today_of(case)
    given = [recommendation.id for recommendation in advise(profile, today, ROUTE_CONTENT)]
    if "asks" in case:
        assert questions_needed(profile, today, ROUTE_CONTENT) == case["asks"]
    if "not" in case:
        assert case["not"] not in given
    if "gives" in case:
        assert case["gives"] in given
        paragraph = paragraph_of(case["gives"], profile, today)
        if "says" in case:
            assert case["says"] in paragraph
        if "source" in case:
            assert f"]({case['source']})" in paragraph
    assert {"asks", "not", "gives"} & set(case), "a case checks something"


@pytest.mark.parametrize("case", cases("refused.yml"))
def test_refused_answers_never_reach_advice(case):
    with pytest.raises(ProfileError):
        advise(Profile.from_answers(case["profile"]), today_of(case), ROUTE_CONTENT)


def complete_profiles():
    """Every combination of choices, answered as far as the questions go."""
    for registration, goal, diploma, nation, employed, nomination, phd, relevant, phd_year in itertools.product(
        REGISTRATIONS, GOALS, YES_NO_UNSURE, NATIONS, NHS_EMPLOYMENTS, YES_NO_UNSURE, YES_NO, YES_NO_UNSURE,
        (2010, 2017, 2019, 2024),
    ):  # fmt: skip
        answers = {
            "registration": registration, "goal": goal, "bms_diploma": diploma, "nation": nation,
            "nhs_employed": employed, "employer_nomination": nomination, "has_phd": phd, "phd_relevant": relevant,
            "phd_year": phd_year, "start_year": 2030, "senior_years": 5.0, "wte": 0.8, "specialism": "MRI",
        }  # fmt: skip
        profile = Profile()
        # Answer only what questions_needed asks, the way the conversation does.
        while needed := questions_needed(profile, DEFAULT_TODAY, ROUTE_CONTENT):
            profile = Profile.from_answers({**vars_of(profile), needed[0]: answers[needed[0]]})
        yield profile


def vars_of(profile: Profile) -> dict:
    return {name: getattr(profile, name) for name in QUESTION_ORDER}


ALL_PROFILES = set(complete_profiles())


def test_every_complete_profile_gets_a_route_or_a_cant_tell():
    assert len(ALL_PROFILES) > 50
    for profile in ALL_PROFILES:
        ids = [recommendation.id for recommendation in advise(profile, DEFAULT_TODAY, ROUTE_CONTENT)]
        assert any(advice_id.startswith("route.") for advice_id in ids), profile
        assert len(ids) == len(set(ids)), profile


def test_every_recommendation_has_a_case_and_every_advice_renders_without_a_placeholder():
    given = {case["gives"] for name in CASE_FILES for case in case_list(name) if "gives" in case}
    assert set(ROUTE_CONTENT.advice) <= given, "every recommendation needs a YAML case"
    for profile in ALL_PROFILES:
        text = render_advice(advise(profile, DEFAULT_TODAY, ROUTE_CONTENT), profile, DEFAULT_TODAY, ROUTE_CONTENT,
                             CONTENT)  # fmt: skip
        assert "{" not in text and "}" not in text, profile


def test_the_route_advice_states_no_number_that_is_not_a_parameter():
    texts = [(advice.id, advice.label + " " + advice.reason) for advice in ROUTE_CONTENT.advice.values()]
    for where, text in [*texts, ("closing", ROUTE_CONTENT.closing_text)]:
        text = re.sub(r"\{[a-z0-9_]+\}", "", text)
        for name in NAMES_WITH_DIGITS:
            text = text.replace(name, "")
        assert not re.search(r"\d", text), f"{where} states a number: use a parameter ({text})"


def test_ipem_recommendations_are_marked_as_ipem():
    ipem_only = [advice for advice in ROUTE_CONTENT.advice.values() if advice.basis == "ipem"]
    assert ipem_only, "the Imaging-track advice is IPEM's"
    for advice in ipem_only:
        assert "not current NSHCS policy" in advice.reason
        assert advice.ipem_recommendations


def test_every_rule_references_official_pages_in_the_content_and_says_what_it_encodes():
    content_urls = {source.url for advice in ROUTE_CONTENT.advice.values() for source in advice.sources}
    content_urls |= {parameter.source.url for parameter in ROUTE_CONTENT.parameters.values()}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for each in RULES:
        assert each.reference, each.name
        assert set(each.reference) <= content_urls, (each.name, set(each.reference) - content_urls)
        assert "facts.md" not in " ".join(each.reference)
        assert each.decide.__doc__, f"{each.name} must say which paragraph it encodes"
        if "Reading:" in each.decide.__doc__:
            assert f"`{each.name}`" in readme, f"{each.name}'s reading must be in the README's reading list"


def test_a_rule_cites_the_pages_its_recommendations_cite():
    # What a rule encodes is what its advice links, so a reader following either lands on the same pages.
    for profile in ALL_PROFILES:
        for recommendation in advise(profile, DEFAULT_TODAY, ROUTE_CONTENT):
            cited = {source.url for source in ROUTE_CONTENT.advice[recommendation.id].sources}
            assert cited & set(recommendation.reference), recommendation


def test_ten_years_before_a_leap_day_is_the_28th_of_february():
    assert years_before(dt.date(2028, 2, 29), 10) == dt.date(2018, 2, 28)


def test_the_start_year_question_is_only_asked_when_the_window_depends_on_it():
    asked = [profile for profile in ALL_PROFILES if profile.start_year is not None]
    assert asked and all(profile.phd_year is not None and profile.phd_year.year in (2017, 2019) for profile in asked)


def test_the_start_year_buttons_are_the_years_accepted_from_the_next_start():
    buttons = question_buttons(ROUTE_CONTENT.questions["start_year"], DEFAULT_TODAY, ROUTE_CONTENT)
    assert [each["title"] for each in buttons] == [str(year) for year in range(2027, 2033)]
    for each in buttons:
        value = json.loads(each["payload"].removeprefix("/inform"))["start_year"]
        assert parse_answer("start_year", value, DEFAULT_TODAY, ROUTE_CONTENT, READING).problem is None
    assert parse_answer("start_year", "2026", DEFAULT_TODAY, ROUTE_CONTENT, READING).problem
    assert parse_answer("start_year", "2033", DEFAULT_TODAY, ROUTE_CONTENT, READING).problem
