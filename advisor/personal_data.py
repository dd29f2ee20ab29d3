"""Personal identifiers replaced by placeholders before Rasa stores or logs a message. No Rasa import.

The assistant needs none of them to answer, and a conversation store full of e-mail
addresses and NHS numbers is a liability. Found and replaced: e-mail addresses, UK phone
numbers, NHS numbers (only those that pass the NHS modulus 11 check, so other 10-digit
numbers stay), National Insurance numbers, UK postcodes, and dates given as a date of birth
(after "born", "DOB", "date of birth", "birthday") or written as a full day/month/year date.
Names are not found: no pattern tells a name from a specialism or a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# Ten digits, grouped 3-3-4 or not at all, not part of a longer number.
_TEN_DIGITS = re.compile(r"(?<![\d+])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?!\d)")
# +44 or 0, then 9 or 10 more digits, spaces or dashes allowed between them.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44[ \-]?(?:\(0\)[ \-]?)?|\(?0)\d(?:[ \-)]{0,2}\d){8,9}(?!\d)")
# Two prefix letters (HMRC never issues D, F, I, Q, U, V, nor O second, nor a few pairs), six digits, A-D.
_NI_NUMBER = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTHS},? \d{{4}}|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})"
)
_BIRTH_DATE = re.compile(
    rf"(?P<label>\b(?:born(?: on)?|dob|d\.o\.b\.?|date of birth|birthday|birth date)\b[\s:,\-]*(?:is |was )?){_DATE}",
    re.IGNORECASE,
)
_FULL_NUMERIC_DATE = re.compile(r"(?<![\d/.\-])\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}(?![\d/.\-])")

PLACEHOLDERS = {
    "email": "[e-mail address]",
    "nhs_number": "[NHS number]",
    "phone": "[phone number]",
    "ni_number": "[NI number]",
    "postcode": "[postcode]",
    "date_of_birth": "[date of birth]",
}


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS modulus 11 check: weights 10..2 on the first nine digits; 11 - remainder is the tenth (11 means 0)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


@dataclass(frozen=True)
class Redacted:
    text: str
    found: tuple[str, ...]  # the kinds replaced (keys of PLACEHOLDERS), in PLACEHOLDERS order


def redact(text: str) -> Redacted:
    """`text` with every identifier above replaced by its placeholder, and which kinds were found."""
    found: set[str] = set()

    def replace(kind: str):
        def placeholder(match: re.Match) -> str:
            found.add(kind)
            return (match.groupdict().get("label") or "") + PLACEHOLDERS[kind]

        return placeholder

    def nhs_number(match: re.Match) -> str:
        if not nhs_number_is_valid(re.sub(r"\D", "", match.group())):
            return match.group()
        found.add("nhs_number")
        return PLACEHOLDERS["nhs_number"]

    text = _EMAIL.sub(replace("email"), text)
    text = _TEN_DIGITS.sub(nhs_number, text)
    text = _PHONE.sub(replace("phone"), text)
    text = _NI_NUMBER.sub(replace("ni_number"), text)
    text = _BIRTH_DATE.sub(replace("date_of_birth"), text)
    text = _FULL_NUMERIC_DATE.sub(replace("date_of_birth"), text)
    text = _POSTCODE.sub(replace("postcode"), text)
    return Redacted(text, tuple(kind for kind in PLACEHOLDERS if kind in found))
