"""Personal identifiers replaced before Rasa stores or logs a message (advisor/personal_data.py)."""

import pytest

from advisor.personal_data import PLACEHOLDERS, nhs_number_is_valid, redact


@pytest.mark.parametrize(
    "text, kind",
    [
        ("write to jo.bloggs@nhs.net please", "email"),
        ("my mobile is 07700 900123", "phone"),
        ("ring 07700900123", "phone"),
        ("+44 7700 900123", "phone"),
        ("+44 (0)20 7946 0958", "phone"),
        ("020 7946 0958 is the office", "phone"),
        ("my NHS number is 943 476 5919", "nhs_number"),
        ("NHS no 9434765919", "nhs_number"),
        ("NI number AB 12 34 56 C", "ni_number"),
        ("ni: ab123456c", "ni_number"),
        ("I live in SW1A 1AA", "postcode"),
        ("near b12 9aa", "postcode"),
        ("born 12/03/1985", "date_of_birth"),
        ("DOB: 3rd March 1985", "date_of_birth"),
        ("my date of birth is 1985-03-12", "date_of_birth"),
        ("birthday March 3, 1985", "date_of_birth"),
        ("on 01.02.1990 I was", "date_of_birth"),
    ],
)
def test_each_kind_is_replaced_by_its_placeholder(text, kind):
    redacted = redact(text)
    assert redacted.found == (kind,)
    assert PLACEHOLDERS[kind] in redacted.text


def test_the_identifier_itself_is_gone():
    redacted = redact("jo@example.org 07700 900123 943 476 5919 AB123456C SW1A 1AA born 12/03/1985")
    for seeded in ("jo@example.org", "900123", "5919", "AB123456C", "SW1A", "1985"):
        assert seeded not in redacted.text
    assert redacted.found == tuple(PLACEHOLDERS)


@pytest.mark.parametrize(
    "text",
    ["PhD awarded in 2019", "0.8 of full time, 30 hours", "6 years at consultant level", "MRI and CT",
     "HSST 2024 intake", "9434765918", "I'm in Section C of HSST", "STP 3 years then HSST 5", "Band 8a, 37.5 hours",
     "Can I skip Part C if I have a PhD?", "what is the IPEM route"],
)  # fmt: skip
def test_ordinary_answers_and_numbers_stay(text):
    redacted = redact(text)
    assert redacted.text == text and redacted.found == ()


def test_nhs_numbers_pass_the_modulus_11_check_only_when_valid():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")  # wrong check digit
    assert not nhs_number_is_valid("1234567890")  # check digit would be 10: never issued
    assert not nhs_number_is_valid("943476591")
