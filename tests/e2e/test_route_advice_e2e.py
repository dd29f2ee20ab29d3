"""End to end over REST: the route advice for the profiles of issue 10, answered with the questions' buttons.

Each dialogue presses the buttons the assistant offers (their payloads are `/inform{"slot": "value"}`)
and checks the one recommendation the profile is about, on the shared servers of tests/e2e/conftest.py.
"""

import json

import pytest

from actions.wiring import ROUTE_CONTENT
from tests.e2e.servers import conversation, texts


def press(replies: list, slot: str, value: str) -> str:
    """The payload of the offered button answering `slot` with `value` (so the test presses what is shown)."""
    payload = "/inform" + json.dumps({slot: value})
    offered = [button["payload"] for button in replies[-1].get("buttons") or []]
    assert payload in offered, (payload, offered)
    return payload


def route_check(assistant, answers: list[tuple[str, str]]) -> str:
    """Starts the check, answers each question by its button (typed where no button fits), returns the advice."""
    sender = conversation()
    replies = assistant.ask(sender, "which route suits me")
    for slot, value in answers:
        question = ROUTE_CONTENT.questions[slot]
        assert question.text in texts(replies), (slot, texts(replies))
        has_button = value in (button_value for _, button_value in question.buttons)
        message = press(replies, slot, value) if has_button else value
        replies = assistant.ask(sender, message)
    return texts(replies)


CLINICAL_SCIENTIST = [("registration", "clinical_scientist")]


def label(advice_id: str) -> str:
    return ROUTE_CONTENT.advice[advice_id].label


def test_a_principal_scientist_with_8_senior_years_is_pointed_to_hsse(assistant):
    advice = route_check(
        assistant, [*CLINICAL_SCIENTIST, ("specialism", "radiotherapy"), ("goal", "recognition"), ("senior_years", "8")]
    )
    assert label("route.hsse") in advice and "worked at an appropriate level" in advice
    assert label("route.hsse_not_yet") not in advice


def test_an_stp_completer_waiting_for_the_hcpc_may_apply_but_not_start(assistant):
    advice = route_check(
        assistant,
        [("registration", "hcpc_pending"), ("specialism", "audiology"), ("nation", "england"),
         ("nhs_employed", "yes"), ("employer_nomination", "yes"), ("has_phd", "no"), ("wte", "1")],
    )  # fmt: skip
    assert label("route.apply_while_hcpc_pending") in advice
    assert "cannot start the programme until you are on the register" in advice
    assert label("route.register_first") not in advice


def test_nhs_scotland_is_not_the_english_recruitment_ask_nes_and_nshcs(assistant):
    advice = route_check(
        assistant,
        [*CLINICAL_SCIENTIST, ("specialism", "MRI"), ("goal", "training"), ("nation", "scotland"), ("has_phd", "no"),
         ("wte", "1")],
    )  # fmt: skip
    assert label("route.nation_scotland") in advice and "https://hcstraining.nhs.scot/" in advice
    assert label("route.hsst_in_service") + "\n" not in advice


@pytest.mark.parametrize("specialism", ["cardiac science", "respiratory and sleep science"])
def test_in_service_in_a_competitive_specialism_gets_the_competitive_note(assistant, specialism):
    answers = [*CLINICAL_SCIENTIST, ("specialism", specialism), ("goal", "training"), ("nation", "england"),
               ("nhs_employed", "yes"), ("employer_nomination", "yes"), ("has_phd", "no"), ("wte", "1")]  # fmt: skip
    if specialism == "respiratory and sleep science":  # no button: typed, as people write it
        answers[1] = ("specialism", "sleep science")
    advice = route_check(assistant, answers)
    assert f"Interview: in {specialism}, in-service applications have been competitive" in advice
    assert label("interview.benchmarking") not in advice


def test_a_life_sciences_biomedical_scientist_is_told_frcpath_is_required(assistant):
    advice = route_check(
        assistant,
        [("registration", "biomedical_scientist"), ("specialism", "clinical biochemistry"), ("bms_diploma", "yes"),
         ("nation", "england"), ("nhs_employed", "yes"), ("employer_nomination", "yes"), ("has_phd", "no"),
         ("wte", "1")],
    )  # fmt: skip
    assert label("completion.frcpath") in advice and label("section_c.doctorate_optional") in advice
    assert label("section_c.full_dclinsci") not in advice


def test_a_clinical_engineer_is_told_about_ceng(assistant):
    advice = route_check(
        assistant,
        [*CLINICAL_SCIENTIST, ("specialism", "clinical engineering"), ("goal", "training"), ("nation", "england"),
         ("nhs_employed", "no"), ("has_phd", "no"), ("wte", "1")],
    )  # fmt: skip
    assert label("completion.ceng") in advice


def test_an_nhs_radiotherapy_physicist_wanting_mri_is_told_direct_entry_means_giving_up_the_post(assistant):
    advice = route_check(
        assistant,
        [*CLINICAL_SCIENTIST, ("specialism", "MRI"), ("goal", "training"), ("nation", "england"),
         ("nhs_employed", "other_specialism"), ("has_phd", "no"), ("wte", "1")],
    )  # fmt: skip
    assert "HSST in MRI: direct entry, competing for a post and giving up yours" in advice
    assert "Taking a direct-entry post means giving up your current NHS post" in advice


def test_correcting_the_senior_years_after_the_advice_gives_hsse(assistant):
    sender = conversation()
    for message in ("which route suits me", '/inform{"registration": "clinical_scientist"}',
                    '/inform{"specialism": "nuclear medicine"}', '/inform{"goal": "recognition"}'):  # fmt: skip
        assistant.ask(sender, message)
    assert label("route.hsse_not_yet") in texts(assistant.ask(sender, "4 years"))
    corrected = texts(assistant.ask(sender, "actually I've been 6 years at a senior level"))
    assert label("route.hsse") + "\n" in corrected and label("route.hsse_not_yet") not in corrected
