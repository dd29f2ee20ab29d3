"""The route advisor's rules: a person's profile goes in, the recommendations that apply come out.

Each rule is one function that encodes one paragraph of the sourced facts; its ``reference``
names that paragraph so every condition can be traced back to what it encodes. The numbers the
rules compare against come from ``content/route_parameters.yml``; the words the advice shows
come from ``content/route_advice.yml`` and are put together in ``advisor.render``, so nothing
here formats text. Dates are worked out against a given ``today`` so that results are
repeatable. No Rasa import: the Rasa actions only collect answers, call ``advise`` and render.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from advisor.route.content import RouteContent
from advisor.route.profile import QUESTION_ORDER, PartialDate, Profile, ProfileError

# Specialism names are the canonical names of content/terms.yml, or "other".
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
HSST_ROUTES = frozenset(
    {
        "route.hsst_in_service",
        "route.hsst_in_service_if_nominated",
        "route.hsst_direct_entry",
        "route.hsst_direct_entry_not_nominated",
    }
)
REGISTER_ROUTES = HSST_ROUTES | {"route.hsse"}


# --- what the answers imply ------------------------------------------------------------------


def hsst_registration_ok(profile: Profile) -> bool:
    """Registered in a way that lets you apply for HSST (facts 1.8, Registration; BMS entry)."""
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
    """What a rule sees: the answers, the date and the parameters."""

    profile: Profile
    today: dt.date
    content: RouteContent

    def value(self, name: str) -> int | float:
        return self.content.value(name)


@dataclass(frozen=True)
class Rule:
    """One rule: a function of the case that names the recommendation it chooses, or None."""

    name: str
    reference: str
    decide: Callable[[Case], str | None]

    def __call__(self, case: Case) -> str | None:
        return self.decide(case)


def rule(reference: str) -> Callable[[Callable[[Case], str | None]], Rule]:
    """Makes a function a Rule that names the paragraph of the facts it encodes."""

    def make(decide: Callable[[Case], str | None]) -> Rule:
        return Rule(decide.__name__, reference, decide)

    return make


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
    # Said wherever the advice names a track, so no one takes the track for an official one.
    return "track.what_is_official" if imaging_track_for_mri(case) else None


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
    # Said wherever the advice names a route that leads to the register.
    return "hssr.not_a_guarantee" if {hsse(case), hsst_route(case)} & REGISTER_ROUTES else None


@rule("facts.md 6.1 MPE under IR(ME)R: RPA 2000 certificate; 6.4 no automatic MPE from HSST; IPEM recommendation 3")
def medical_physics_expert(case: Case) -> str | None:
    return "mpe.rpa2000_certificate" if case.profile.specialism in IMAGING_AND_RADIATION else None


@rule("facts.md 6.3 MRI / non-ionising: IPEM MRSE Certificate of Competence")
def mr_safety_expert(case: Case) -> str | None:
    return "mr_safety.mrse_certificate" if case.profile.specialism in MR_SAFETY_SPECIALISMS else None


# The order the advice lists its recommendations in: route, Section C, track, working pattern, caveats.
RULES = (
    not_registered_yet,
    registration_unknown,
    biomedical_scientist_qualifications,
    hsse,
    hsst_route,
    equivalence_under_way,
    section_c,
    imaging_track_for_mri,
    what_is_official_about_tracks,
    working_pattern,
    register_is_not_a_job,
    medical_physics_expert,
    mr_safety_expert,
)


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    """A recommendation that applies: its id in content/route_advice.yml and the rule that chose it."""

    id: str
    reference: str


def advise(profile: Profile, today: dt.date, content: RouteContent) -> list[Recommendation]:
    """The recommendations for this profile, in the order of RULES.

    Raises ProfileError for a PhD dated after `today`.
    """
    if profile.phd_year is not None and profile.phd_year.earliest > today:
        raise ProfileError(f"a PhD awarded in {profile.phd_year.year} is in the future")
    case = Case(profile, today, content)
    chosen = ((each(case), each.reference) for each in RULES)
    return [Recommendation(advice_id, reference) for advice_id, reference in chosen if advice_id is not None]
