"""The route advisor's rules: a person's answers go in, recommendations come out.

Each rule is one function that encodes one paragraph of the sourced facts; its ``reference``
names that paragraph (``facts.md`` in the shared domain notes) so every condition can be traced
back to what it encodes. The numbers the rules compare against come from
``content/route_parameters.yml`` and the words they show from ``content/route_advice.yml``;
neither is written here. Dates are worked out against a given ``today`` so that results are
repeatable. No Rasa import: the Rasa actions only collect answers, call ``advise`` and render.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from actions.content import Source
from actions.route_content import RouteContent

REGISTRATIONS = ("clinical_scientist", "biomedical_scientist", "equivalence_under_way", "not_registered", "unsure")
GOALS = ("training", "recognition", "unsure")
YES_NO = ("yes", "no")
YES_NO_UNSURE = ("yes", "no", "unsure")
# Specialism names are the canonical names of nlp/terms.yml, or "other".
IMAGING_AND_RADIATION = frozenset(
    {
        "MRI",
        "radiotherapy",
        "nuclear medicine",
        "ultrasound",
        "radiation safety",
        "imaging with non-ionising radiation",
        "imaging",
        "medical physics",
    }
)
MRI_SPECIALISMS = frozenset({"MRI"})
MR_SAFETY_SPECIALISMS = frozenset({"MRI", "imaging with non-ionising radiation"})
EARLIEST_PHD_YEAR = 1950
MAX_CONSULTANT_YEARS = 50

# The order questions are asked in; questions_needed() picks the ones the rules still need.
QUESTION_ORDER = (
    "registration",
    "specialism",
    "bms_diploma",
    "goal",
    "consultant_years",
    "nhs_employed",
    "employer_nomination",
    "has_phd",
    "phd_year",
    "phd_relevant",
    "wte",
)
HSST_ROUTES = frozenset(
    {
        "route.hsst_in_service",
        "route.hsst_in_service_if_nominated",
        "route.hsst_direct_entry",
        "route.hsst_direct_entry_not_nominated",
    }
)
REGISTER_ROUTES = HSST_ROUTES | {"route.hsse"}


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

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.earliest:%-d %B %Y}"
        if self.month is not None:
            return f"{self.earliest:%B %Y}"
        return str(self.year)


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise ProfileError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def _number(name: str, value: Any, low: float, high: float, low_inclusive: bool) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
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
    consultant_years: float | None = None
    nhs_employed: str | None = None
    employer_nomination: str | None = None
    has_phd: str | None = None
    phd_year: PartialDate | None = None
    phd_relevant: str | None = None
    wte: float | None = None

    def __post_init__(self) -> None:
        _choice("registration", self.registration, REGISTRATIONS)
        _choice("bms_diploma", self.bms_diploma, YES_NO_UNSURE)
        _choice("goal", self.goal, GOALS)
        _choice("nhs_employed", self.nhs_employed, YES_NO)
        _choice("employer_nomination", self.employer_nomination, YES_NO_UNSURE)
        _choice("has_phd", self.has_phd, YES_NO)
        _choice("phd_relevant", self.phd_relevant, YES_NO_UNSURE)
        _number("consultant_years", self.consultant_years, 0, MAX_CONSULTANT_YEARS, low_inclusive=True)
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
        for key in ("consultant_years", "wte"):
            if isinstance(values.get(key), int) and not isinstance(values[key], bool):
                values[key] = float(values[key])
        return cls(**values)


# --- what the answers imply ------------------------------------------------------------------


def hsst_registration_ok(profile: Profile) -> bool:
    """Registered in a way that lets you apply for HSST (facts.md 1.8, Registration; BMS entry)."""
    return profile.registration in ("clinical_scientist", "equivalence_under_way") or (
        profile.registration == "biomedical_scientist" and profile.bms_diploma == "yes"
    )


def wants_training(profile: Profile) -> bool:
    # Only clinical scientists choose: HSSE is for HCPC-registered clinical scientists (facts.md 4).
    if profile.registration == "clinical_scientist":
        return profile.goal in ("training", "unsure")
    return True


def wants_recognition(profile: Profile) -> bool:
    return profile.registration == "clinical_scientist" and profile.goal in ("recognition", "unsure")


def hsst_considered(profile: Profile) -> bool:
    return hsst_registration_ok(profile) and wants_training(profile)


def questions_needed(profile: Profile) -> list[str]:
    """The answers the rules still need, in the order to ask them. Empty when advice can be given."""
    if profile.registration is None:
        return ["registration"]
    if profile.registration in ("not_registered", "unsure"):
        return []
    needed = {"specialism"}
    if profile.registration == "biomedical_scientist":
        needed.add("bms_diploma")
    if profile.registration == "clinical_scientist":
        needed.add("goal")
    if wants_recognition(profile):
        needed.add("consultant_years")
    if hsst_considered(profile):
        needed |= {"nhs_employed", "has_phd", "wte"}
        if profile.nhs_employed == "yes":
            needed.add("employer_nomination")
        if profile.has_phd == "yes":
            needed |= {"phd_year", "phd_relevant"}
    return [name for name in QUESTION_ORDER if name in needed and getattr(profile, name) is None]


def years_before(today: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    year = today.year - years
    return today.replace(year=year, day=min(today.day, calendar.monthrange(year, today.month)[1]))


def phd_window(phd: PartialDate, today: dt.date, window_years: int) -> str:
    """'within', 'outside' or 'borderline' the window; a PhD exactly `window_years` ago is within."""
    cutoff = years_before(today, window_years)
    if phd.earliest >= cutoff:
        return "within"
    if phd.latest < cutoff:
        return "outside"
    return "borderline"


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """What a rule sees: the answers, the date, the parameters and the ids chosen by earlier rules."""

    profile: Profile
    today: dt.date
    content: RouteContent
    chosen: tuple[str, ...]

    def value(self, name: str) -> int | float:
        return self.content.value(name)


@dataclass(frozen=True)
class Rule:
    name: str
    reference: str
    decide: Callable[[Case], str | None]


RULES: list[Rule] = []


def rule(reference: str) -> Callable[[Callable[[Case], str | None]], Callable[[Case], str | None]]:
    """Registers a rule, in order, with the paragraph of facts.md it encodes."""

    def register(decide: Callable[[Case], str | None]) -> Callable[[Case], str | None]:
        RULES.append(Rule(decide.__name__, reference, decide))
        return decide

    return register


@rule("facts.md 1.8 Registration; 7 STP, STP equivalence, Route 2")
def not_registered_yet(case: Case) -> str | None:
    return "route.register_first" if case.profile.registration == "not_registered" else None


@rule("facts.md 1.8 Registration; 4 HSSE, who it is for")
def registration_unknown(case: Case) -> str | None:
    return "route.registration_unclear" if case.profile.registration == "unsure" else None


@rule("facts.md 1.8 Biomedical Scientists; section 10 row 7")
def biomedical_scientist_qualifications(case: Case) -> str | None:
    if case.profile.registration != "biomedical_scientist":
        return None
    return {"no": "route.bms_qualifications_first", "unsure": "route.bms_qualifications_unclear"}.get(
        case.profile.bms_diploma or ""
    )


@rule("facts.md 4 HSSE: who it is for (at least 5 years at an appropriate level), evidence, outcome, cost")
def hsse(case: Case) -> str | None:
    years = case.profile.consultant_years
    if not wants_recognition(case.profile) or years is None:
        return None
    return "route.hsse" if years >= case.value("hsse_minimum_years") else "route.hsse_not_yet"


@rule("facts.md 1.7 Two routes: in-service (nominated, NHS-employed) and direct entry; section 10 row 13")
def hsst_route(case: Case) -> str | None:
    profile = case.profile
    if not hsst_considered(profile) or profile.nhs_employed is None:
        return None
    if profile.nhs_employed == "no":
        return "route.employment_unclear" if profile.employer_nomination == "yes" else "route.hsst_direct_entry"
    return {
        "yes": "route.hsst_in_service",
        "no": "route.hsst_direct_entry_not_nominated",
        "unsure": "route.hsst_in_service_if_nominated",
    }.get(profile.employer_nomination or "")


@rule("facts.md 1.8 Registration: on an equivalence route, apply with AHCS registration; start once registered")
def equivalence_under_way(case: Case) -> str | None:
    under_way = case.profile.registration == "equivalence_under_way" and hsst_considered(case.profile)
    return "route.hsst_after_registration" if under_way else None


@rule("facts.md 3 Exemption from Section C: relevant PhD within 10 years; innovation project stays; PgDip")
def section_c(case: Case) -> str | None:
    profile = case.profile
    if not hsst_considered(profile) or profile.has_phd is None:
        return None
    if profile.has_phd == "no":
        return "section_c.answers_unclear" if profile.phd_year is not None else "section_c.full_dclinsci"
    if profile.phd_relevant == "no":
        return "section_c.exemption_unlikely_unrelated"
    if profile.phd_year is None or profile.phd_relevant is None:
        return None
    window = phd_window(profile.phd_year, case.today, int(case.value("phd_window_years")))
    if window == "outside":
        return "section_c.exemption_unlikely_old"
    if window == "borderline":
        return "section_c.window_borderline"
    return "section_c.research_exemption_likely" if profile.phd_relevant == "yes" else "section_c.relevance_decides"


@rule("ipem-response.md recommendation 5 (IPEM's, not NSHCS policy)")
def imaging_track_for_mri(case: Case) -> str | None:
    mri = case.profile.specialism in MRI_SPECIALISMS
    return "track.imaging_for_mri" if mri and hsst_considered(case.profile) else None


@rule("facts.md 2 Specialisms/tracks: no current official list of physics tracks; 11 Gaps")
def what_is_official_about_tracks(case: Case) -> str | None:
    return "track.what_is_official" if "track.imaging_for_mri" in case.chosen else None


@rule("facts.md 1.2 Length, full-time vs part-time: full time at entry; LTFT at least 0.6 WTE, pro rata")
def working_pattern(case: Case) -> str | None:
    wte = case.profile.wte
    if not hsst_considered(case.profile) or wte is None:
        return None
    if wte >= 1:
        return "working_pattern.full_time"
    # Compared in hundredths so 0.6 typed as a float is exactly the minimum.
    if round(wte * 100) >= round(case.value("ltft_minimum_wte") * 100):
        return "working_pattern.ltft_after_start"
    return "working_pattern.below_minimum"


@rule("facts.md 5 HSSR: registration does not guarantee a consultant post; IPEM recommendation 1")
def register_is_not_a_job(case: Case) -> str | None:
    return "hssr.not_a_guarantee" if REGISTER_ROUTES & set(case.chosen) else None


@rule("facts.md 6.1 MPE under IR(ME)R: RPA 2000 certificate; 6.4 no automatic MPE from HSST; IPEM recommendation 3")
def medical_physics_expert(case: Case) -> str | None:
    return "mpe.rpa2000_certificate" if case.profile.specialism in IMAGING_AND_RADIATION else None


@rule("facts.md 6.3 MRI / non-ionising: IPEM MRSE Certificate of Competence")
def mr_safety_expert(case: Case) -> str | None:
    return "mr_safety.mrse_certificate" if case.profile.specialism in MR_SAFETY_SPECIALISMS else None


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    id: str
    label: str
    reason: str
    basis: str  # "policy": what NSHCS/AHCS do today; "ipem": IPEM's recommendation, not NSHCS policy
    sources: tuple[Source, ...]
    ipem_recommendations: tuple[int, ...]
    reference: str


def _number_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _answer_values(profile: Profile, content: RouteContent) -> dict[str, str]:
    specialism = profile.specialism if profile.specialism not in (None, "other") else "your specialism"
    values = {"specialism": specialism, "phd_year": str(profile.phd_year) if profile.phd_year else "your PhD year"}
    values["consultant_years"] = _number_text(profile.consultant_years) if profile.consultant_years is not None else ""
    values["wte"] = _number_text(profile.wte) if profile.wte is not None else ""
    end = content.value("hsst_length_years") / profile.wte if profile.wte else content.value("hsst_length_years")
    values["end_years"] = _number_text(end)
    return values


def advise(profile: Profile, today: dt.date, content: RouteContent) -> list[Recommendation]:
    """The recommendations for this profile, in order: route, Section C, track, working pattern, caveats.

    Raises ProfileError for a PhD dated after `today`.
    """
    if profile.phd_year is not None and profile.phd_year.earliest > today:
        raise ProfileError(f"a PhD awarded in {profile.phd_year} is in the future")
    chosen: list[str] = []
    references: dict[str, str] = {}
    for each in RULES:
        advice_id = each.decide(Case(profile, today, content, tuple(chosen)))
        if advice_id is not None:
            chosen.append(advice_id)
            references[advice_id] = each.reference
    values = {name: _number_text(parameter.value) for name, parameter in content.parameters.items()}
    values.update(_answer_values(profile, content))
    return [
        Recommendation(
            id=advice_id,
            label=content.advice[advice_id].label,
            reason=content.advice[advice_id].reason.format(**values),
            basis=content.advice[advice_id].basis,
            sources=content.advice[advice_id].sources,
            ipem_recommendations=content.advice[advice_id].ipem_recommendations,
            reference=references[advice_id],
        )
        for advice_id in chosen
    ]
