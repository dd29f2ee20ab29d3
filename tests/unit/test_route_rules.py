"""The route advisor's rules, driven by the YAML case files in tests/unit/route_cases/."""

import datetime as dt
import itertools
from pathlib import Path

import pytest
import yaml

from advisor.faq_content import load_content
from advisor.render import render_advice
from advisor.route.content import load_route_content
from advisor.route.profile import (
    GOALS,
    QUESTION_ORDER,
    REGISTRATIONS,
    YES_NO,
    YES_NO_UNSURE,
    Profile,
    ProfileError,
)
from advisor.route.rules import RULES, advise, questions_needed
from tests.conftest import CONTENT_DIR, ROOT

CASES_DIR = Path(__file__).parent / "route_cases"
DEFAULT_TODAY = dt.date(2026, 11, 27)
CONTENT = load_content(CONTENT_DIR, dt.date.today())  # review dates are checked against the real date
ROUTE_CONTENT = load_route_content(CONTENT_DIR, DEFAULT_TODAY, CONTENT)


def case_list(file_name: str) -> list[dict]:
    return yaml.safe_load((CASES_DIR / file_name).read_text(encoding="utf-8"))


def cases(file_name: str) -> list:
    return [pytest.param(case, id=case["name"]) for case in case_list(file_name)]


def today_of(case: dict) -> dt.date:
    return case.get("today", DEFAULT_TODAY)


@pytest.mark.parametrize("case", cases("routes.yml") + cases("boundaries.yml"))
def test_case_gives_its_recommendations(case):
    profile = Profile.from_answers(case["profile"])
    got = [recommendation.id for recommendation in advise(profile, today_of(case), ROUTE_CONTENT)]
    assert got == case["recommendations"]
    if "questions" in case:
        assert questions_needed(profile) == case["questions"]


@pytest.mark.parametrize("case", cases("refused.yml"))
def test_refused_answers_never_reach_advice(case):
    with pytest.raises(ProfileError):
        advise(Profile.from_answers(case["profile"]), today_of(case), ROUTE_CONTENT)


def complete_profiles():
    """Every combination of choices, answered as far as the questions go."""
    for registration, goal, diploma, employed, nomination, phd, relevant in itertools.product(
        REGISTRATIONS, GOALS, YES_NO_UNSURE, YES_NO, YES_NO_UNSURE, YES_NO, YES_NO_UNSURE
    ):
        answers = {
            "registration": registration, "goal": goal, "bms_diploma": diploma, "nhs_employed": employed,
            "employer_nomination": nomination, "has_phd": phd, "phd_relevant": relevant, "phd_year": 2019,
            "consultant_years": 5.0, "wte": 0.8, "specialism": "MRI",
        }  # fmt: skip
        profile = Profile()
        # Answer only what questions_needed asks, the way the conversation does.
        while needed := questions_needed(profile):
            profile = Profile.from_answers({**vars_of(profile), needed[0]: answers[needed[0]]})
        yield profile


def vars_of(profile: Profile) -> dict:
    return {name: getattr(profile, name) for name in QUESTION_ORDER}


def test_every_complete_profile_gets_a_route_or_a_cant_tell():
    profiles = set(complete_profiles())
    assert len(profiles) > 20
    for profile in profiles:
        ids = [recommendation.id for recommendation in advise(profile, DEFAULT_TODAY, ROUTE_CONTENT)]
        assert any(advice_id.startswith("route.") for advice_id in ids), profile
        assert len(ids) == len(set(ids)), profile


def test_every_recommendation_has_a_case_and_every_advice_renders_without_a_placeholder():
    case_ids = {advice_id for name in ("routes.yml", "boundaries.yml") for case in case_list(name)
                for advice_id in case["recommendations"]}  # fmt: skip
    assert set(ROUTE_CONTENT.advice) <= case_ids, "every recommendation needs a YAML case"
    for profile in set(complete_profiles()):
        text = render_advice(advise(profile, DEFAULT_TODAY, ROUTE_CONTENT), profile, ROUTE_CONTENT, CONTENT)
        assert "{" not in text and "}" not in text, profile


def test_ipem_recommendations_are_marked_as_ipem():
    ipem_only = [advice for advice in ROUTE_CONTENT.advice.values() if advice.basis == "ipem"]
    assert ipem_only, "the Imaging-track advice is IPEM's"
    for advice in ipem_only:
        assert "not current NSHCS policy" in advice.reason
        assert advice.ipem_recommendations


def test_every_rule_names_the_paragraph_it_encodes():
    facts = ROOT.parent / "shared" / "domain" / "facts.md"
    assert len(RULES) >= 10
    for each in RULES:
        assert each.reference.startswith(("facts.md", "ipem-response.md")), each.name
    if facts.exists():  # the shared notes sit beside the checkout in development, not in CI
        text = facts.read_text(encoding="utf-8")
        for each in RULES:
            for section in each.reference.removeprefix("facts.md ").split(";"):
                number = section.strip().split(" ")[0]
                if each.reference.startswith("facts.md") and number[0].isdigit():
                    assert f"## {number}" in text or f"### {number}" in text, (each.name, number)


def test_the_mri_physicist_reasons_use_their_answers():
    profile = Profile.from_answers(
        {"registration": "clinical_scientist", "specialism": "MRI", "goal": "training", "nhs_employed": "yes",
         "employer_nomination": "yes", "has_phd": "yes", "phd_year": 2019, "phd_relevant": "yes", "wte": 0.8}
    )  # fmt: skip
    paragraphs = render_advice(advise(profile, DEFAULT_TODAY, ROUTE_CONTENT), profile, ROUTE_CONTENT, CONTENT)
    by_label = {text.split("\n")[0].split(". ", 1)[-1]: text for text in paragraphs.split("\n\n")}
    exemption = by_label[ROUTE_CONTENT.advice["section_c.research_exemption_likely"].label]
    assert "(2019)" in exemption and "MRI" in exemption and "10 years" in exemption
    assert "innovation project" in exemption and "Postgraduate Diploma" in exemption
    assert "3 months" in exemption
    working = by_label[ROUTE_CONTENT.advice["working_pattern.ltft_after_start"].label]
    assert "0.8 of full time" in working and "6.25 years" in working
    assert ROUTE_CONTENT.advice["track.imaging_for_mri"].basis == "ipem"
