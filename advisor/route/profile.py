"""What a person has told the route advisor, as a checked, typed profile. No Rasa import.

The choices and limits here are the one definition of what an answer may be: the answer
reader (advisor.route.answers) uses them to refuse a value politely, and ``Profile`` refuses
anything that got past it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from advisor.content_schema import is_number

# hcpc_pending: applied to the HCPC (e.g. after the STP) and waiting; acs_route_2: on the Association of
# Clinical Scientists' Route 2 (not AHCS equivalence); lapsed: HCPC registration has lapsed.
REGISTRATIONS = ("clinical_scientist", "hcpc_pending", "biomedical_scientist", "equivalence_under_way", "acs_route_2",
                 "lapsed", "not_registered", "unsure")  # fmt: skip
GOALS = ("training", "recognition", "unsure")
# Where the person works: HSST recruitment differs by nation (docs/route-advisor.md).
NATIONS = ("england", "wales", "scotland", "northern_ireland", "elsewhere")
YES_NO = ("yes", "no")
YES_NO_UNSURE = ("yes", "no", "unsure")
# Employed by the NHS in the specialism asked about, in another one, or not.
NHS_EMPLOYMENTS = ("yes", "other_specialism", "no")
EARLIEST_PHD_YEAR = 1950
MAX_SENIOR_YEARS = 50
# How far ahead a start year may be given, counted from the next programme start (an answer limit, not policy).
MAX_START_YEARS_AHEAD = 5

# The order questions are asked in; questions_needed() picks the ones the rules still need.
QUESTION_ORDER = (
    "registration",
    "specialism",
    "bms_diploma",
    "goal",
    "senior_years",
    "nation",
    "nhs_employed",
    "employer_nomination",
    "has_phd",
    "phd_year",
    "phd_relevant",
    "start_year",
    "wte",
)


class ProfileError(ValueError):
    """An answer the rules cannot use (wrong type, out of range, not one of the choices)."""


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day (people rarely remember the day)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ProfileError("a day needs a month")
        try:
            dt.date(self.year, self.month or 1, self.day or 1)
        except (TypeError, ValueError) as error:
            raise ProfileError(f"not a date: {self.year}-{self.month}-{self.day}") from error

    @classmethod
    def parse(cls, raw: Any) -> PartialDate:
        """From a year (2019, "2019"), a "YYYY-MM" or "YYYY-MM-DD" string, or a date."""
        if isinstance(raw, PartialDate):
            return raw
        if isinstance(raw, dt.date):
            return cls(raw.year, raw.month, raw.day)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return cls(raw)
        if isinstance(raw, str):
            parts = raw.strip().split("-")
            if 1 <= len(parts) <= 3 and all(part.isdigit() for part in parts):
                return cls(*(int(part) for part in parts))
        raise ProfileError(f"not a year or date: {raw!r}")

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise ProfileError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _number(name: str, value: Any, low: float, high: float, low_inclusive: bool) -> None:
    if value is None:
        return
    if not is_number(value):
        raise ProfileError(f"{name} must be a number, not {value!r}")
    if not (low <= value if low_inclusive else low < value) or value > high:
        raise ProfileError(f"{name} must be between {low} and {high}, not {value}")


@dataclass(frozen=True)
class Profile:
    """What the person has told us. ``None`` means not answered yet."""

    registration: str | None = None
    specialism: str | None = None
    bms_diploma: str | None = None
    goal: str | None = None
    senior_years: float | None = None
    nation: str | None = None
    nhs_employed: str | None = None
    employer_nomination: str | None = None
    has_phd: str | None = None
    phd_year: PartialDate | None = None
    phd_relevant: str | None = None
    start_year: int | None = None
    wte: float | None = None

    def __post_init__(self) -> None:
        _choice("registration", self.registration, REGISTRATIONS)
        _choice("bms_diploma", self.bms_diploma, YES_NO_UNSURE)
        _choice("goal", self.goal, GOALS)
        _choice("nation", self.nation, NATIONS)
        _choice("nhs_employed", self.nhs_employed, NHS_EMPLOYMENTS)
        _choice("employer_nomination", self.employer_nomination, YES_NO_UNSURE)
        _choice("has_phd", self.has_phd, YES_NO)
        _choice("phd_relevant", self.phd_relevant, YES_NO_UNSURE)
        _number("senior_years", self.senior_years, 0, MAX_SENIOR_YEARS, low_inclusive=True)
        if self.start_year is not None and (not isinstance(self.start_year, int) or isinstance(self.start_year, bool)):
            raise ProfileError(f"start_year must be a year, not {self.start_year!r}")
        _number("wte", self.wte, 0, 1, low_inclusive=False)
        if self.specialism is not None and (not isinstance(self.specialism, str) or not self.specialism.strip()):
            raise ProfileError(f"specialism must be a name, not {self.specialism!r}")
        if self.phd_year is not None:
            if not isinstance(self.phd_year, PartialDate):
                raise ProfileError("phd_year must be a PartialDate")
            if self.phd_year.year < EARLIEST_PHD_YEAR:
                raise ProfileError(f"a PhD awarded in {self.phd_year.year} is before {EARLIEST_PHD_YEAR}")

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> Profile:
        """From plain values (slots, YAML): unknown keys are refused, phd_year may be a year or date."""
        known = {field.name for field in fields(cls)}
        unknown = set(answers) - known
        if unknown:
            raise ProfileError(f"unknown answers: {', '.join(sorted(unknown))}")
        values = {key: value for key, value in answers.items() if value is not None}
        if "phd_year" in values:
            values["phd_year"] = PartialDate.parse(values["phd_year"])
        if isinstance(values.get("start_year"), str) and values["start_year"].strip().isdigit():
            values["start_year"] = int(values["start_year"])
        for key in ("senior_years", "wte"):
            if isinstance(values.get(key), int) and not isinstance(values[key], bool):
                values[key] = float(values[key])
        return cls(**values)
