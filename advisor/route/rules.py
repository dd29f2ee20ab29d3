"""The route advisor's rules: a person's profile goes in, the recommendations that apply come out.

Each rule is one function that encodes one passage of the official pages; its ``reference``
lists those pages (URLs that are in the content files, so a reader can open them), and its
docstring says which paragraph each condition comes from. Where a condition is our reading of a
source rather than what the source says, the docstring says "Reading:"; the same readings are
listed in the README and docs/route-advisor.md. The numbers the rules compare against come from
``content/route_parameters.yml``, looked up for the date they matter on; the words the advice
shows come from ``content/route_advice.yml`` and are put together in ``advisor.render``, so
nothing here formats text. Dates are worked out against a given ``today`` so that results are
repeatable. No Rasa import: the Rasa actions only collect answers, call ``advise`` and render.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from advisor.route.content import RouteContent
from advisor.route.profile import MAX_START_YEARS_AHEAD, QUESTION_ORDER, PartialDate, Profile, ProfileError

# The official pages the rules encode (each is a source in content/route_advice.yml).
ELIGIBILITY = (
    "https://nshcs.hee.nhs.uk/knowledgebase/thinking-of-applying-to-the-hsst/what-are-the-eligibility-requirements/"
)
PERSON_SPECIFICATION = "https://nshcs.hee.nhs.uk/publications/higher-specialist-scientist-training-programme-trainee-core-person-specification/html/"
JOINT_STATEMENT_FAQS = "https://nshcs.hee.nhs.uk/knowledgebase/hsst-eligibility-joint-statement-faqs/"
STP_FAQS = "https://nshcs.hee.nhs.uk/programmes/stp/applicants/faqs-for-applicants-to-the-scientist-training-programme/about-stp-faqs/"
WHICH_EQUIVALENCE_ROUTE = "https://www.ahcs.ac.uk/2022/03/16/which-equivalence-route/"
AHCS_FEES = "https://www.ahcs.ac.uk/our-registers/hcs-register/for-healthcare-scientists/registration-fees/"
ROUTE_2 = "https://ipem.ac.uk/learn/clinical-scientist-training/ipem-part-ii-training-scheme/what-is-route-2"
RECRUITMENT_2023 = (
    "https://nshcs.hee.nhs.uk/programmes/hsst/applicants/hsst-2023-recruitment-guidance-for-applicants-and-employers/"
    "an-overview-of-the-hsst-recruitment-process/"
)
RECRUITMENT_2024 = (
    "https://nshcs.hee.nhs.uk/programmes/hsst/applicants/hsst-2024-recruitment-guidance-for-applicants-and-employers/"
    "an-overview-of-the-hsst-recruitment-process/"
)
RECRUITMENT_2025 = (
    "https://nshcs.hee.nhs.uk/programmes/hsst/applicants/hsst-2025-recruitment-guidance-for-applicants-and-employers/"
    "hsst-recruitment-overview"
)
APPLYING_FAQS = "https://nshcs.hee.nhs.uk/programmes/hsst/applicants/faqs-about-applying-to-the-hsst"
APPLYING_2021 = "https://nshcs.hee.nhs.uk/knowledgebase/guidance-for-applicants-and-employers-on-applying-to-the-hsst-programme-2021/"
NES_HSST = "https://hcstraining.nhs.scot/trainees/higher-specialist-scientist-training/"
PRIOR_PHDS = "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/approval-process-for-prior-phds/"
PATHWAYS = "https://nshcs.hee.nhs.uk/programmes/hsst/applicants/hsst-pathways/"
DOCTORAL_EXCEPTIONS = "https://nshcs.hee.nhs.uk/knowledgebase/exceptions-to-the-hsst-doctoral-award/"
CERTIFICATION = (
    "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/evidence-for-certification-and-completing-the-programme"
)
END_DATE = (
    "https://nshcs.hee.nhs.uk/programmes/hsst/trainees/guidance-for-trainees-on-hsst-completion/"
    "planning-for-your-hsst-end-date-and-completion-deadline"
)
HSST = "https://nshcs.hee.nhs.uk/programmes/hsst/"
IPEM_RESPONSE = (
    "https://ipem.ac.uk/news/ipem-supports-the-national-school-for-healthcare-science-as-it-responds-to-review"
)
JOB_GUARANTEE = "https://nshcs.hee.nhs.uk/knowledgebase/am-i-guaranteed-a-job-at-the-end-of-my-hsst-training/"
RPA2000_MPE = "https://rpa2000.org.uk/mpe-recognition-scheme"
IPEM_MRSE = (
    "https://ipem.ac.uk/your-career/professional-registration/mrse-certificate-of-competence/"
    "mrse-certificate-of-competence-new-guidance-2025"
)

HSST_ROUTES = frozenset(
    {
        "route.hsst_in_service",
        "route.hsst_in_service_if_nominated",
        "route.hsst_direct_entry",
        "route.hsst_direct_entry_not_nominated",
        "route.hsst_direct_entry_other_specialism",
    }
)
IN_SERVICE_ROUTES = frozenset({"route.hsst_in_service", "route.hsst_in_service_if_nominated"})
REGISTER_ROUTES = HSST_ROUTES | {"route.hsse"}
# Registrations that can apply for HSST now; biomedical scientists also need the listed qualifications.
HSST_REGISTRATIONS = frozenset({"clinical_scientist", "hcpc_pending", "equivalence_under_way"})
# Registrations whose advice is one recommendation about registration: nothing else is asked.
REGISTRATION_FIRST = frozenset({"not_registered", "unsure", "lapsed", "acs_route_2"})


# --- what the answers imply ------------------------------------------------------------------


def hsst_registration_ok(profile: Profile) -> bool:
    """Registered, or eligible with an application under way, in a way that lets you apply for HSST."""
    return profile.registration in HSST_REGISTRATIONS or (
        profile.registration == "biomedical_scientist" and profile.bms_diploma == "yes"
    )


def wants_training(profile: Profile) -> bool:
    # Only registered clinical scientists choose: HSSE is for HCPC-registered clinical scientists.
    if profile.registration == "clinical_scientist":
        return profile.goal in ("training", "unsure")
    return True


def wants_recognition(profile: Profile) -> bool:
    return profile.registration == "clinical_scientist" and profile.goal in ("recognition", "unsure")


def hsst_considered(profile: Profile) -> bool:
    return hsst_registration_ok(profile) and wants_training(profile)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_start(today: dt.date, content: RouteContent) -> dt.date:
    """The first programme start after today (the 1st of the start month, this year or next)."""
    month = int(content.value("hsst_start_month", today))
    this_year = dt.date(today.year, month, 1)
    return this_year if this_year > today else dt.date(today.year + 1, month, 1)


def programme_start(profile: Profile, today: dt.date, content: RouteContent) -> dt.date:
    """When this person would start: in the start year they gave, or else at the next start."""
    earliest = next_start(today, content)
    return earliest if profile.start_year is None else earliest.replace(year=profile.start_year)


def phd_window(phd: PartialDate, start: dt.date, content: RouteContent) -> str:
    """'within', 'outside' or 'borderline' the PhD window, counted to the programme start.

    Reading: NSHCS says a relevant PhD completed "within the last 10 years" makes exemption likely,
    and that the request is made within the first 3 months of the programme; it does not say which
    date the years run to. We count them to the start: a PhD still inside the window at the end of
    the request period is within, one already outside it at the start is outside, and one that
    passes the limit in between (or that the year alone cannot place) is borderline.
    """
    window = int(content.value("phd_window_years", start))
    request_by = months_after(start, int(content.value("phd_exemption_request_months", start)))
    if phd.earliest >= years_before(request_by, window):
        return "within"
    if phd.latest < years_before(start, window):
        return "outside"
    return "borderline"


def start_year_matters(profile: Profile, today: dt.date, content: RouteContent) -> bool:
    """Whether the PhD window gives a different answer for the next start than for the latest we accept."""
    if profile.has_phd != "yes" or profile.phd_year is None or profile.phd_relevant in (None, "no"):
        return False
    earliest = next_start(today, content)
    latest = earliest.replace(year=earliest.year + MAX_START_YEARS_AHEAD)
    return phd_window(profile.phd_year, earliest, content) != phd_window(profile.phd_year, latest, content)


def questions_needed(profile: Profile, today: dt.date, content: RouteContent) -> list[str]:
    """The answers the rules still need, in the order to ask them. Empty when advice can be given."""
    if profile.registration is None:
        return ["registration"]
    if profile.registration in REGISTRATION_FIRST:
        return []
    needed = {"specialism"}
    if profile.registration == "biomedical_scientist":
        needed.add("bms_diploma")
    if profile.registration == "clinical_scientist":
        needed.add("goal")
    if wants_recognition(profile):
        needed.add("senior_years")
    if hsst_considered(profile):
        needed |= {"nation", "has_phd", "wte"}
        if profile.nation == "england":
            needed.add("nhs_employed")
        if profile.nhs_employed == "yes":
            needed.add("employer_nomination")
        if profile.has_phd == "yes":
            needed |= {"phd_year", "phd_relevant"}
        if start_year_matters(profile, today, content):
            needed.add("start_year")
    return [name for name in QUESTION_ORDER if name in needed and getattr(profile, name) is None]


# --- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """What a rule sees: the answers, the date and the parameters."""

    profile: Profile
    today: dt.date
    content: RouteContent

    def value(self, name: str) -> int | float:
        """A parameter's value today."""
        return self.content.value(name, self.today)

    @property
    def start(self) -> dt.date:
        return programme_start(self.profile, self.today, self.content)

    @property
    def theme(self) -> str | None:
        specialism = self.content.specialism(self.profile.specialism)
        return specialism.theme if specialism else None

    @property
    def radiation(self) -> frozenset[str]:
        specialism = self.content.specialism(self.profile.specialism)
        return specialism.radiation if specialism else frozenset()


@dataclass(frozen=True)
class Rule:
    """One rule: a function of the case that names the recommendation it chooses, or None."""

    name: str
    reference: tuple[str, ...]
    decide: Callable[[Case], str | None]

    def __call__(self, case: Case) -> str | None:
        return self.decide(case)


def rule(*reference: str) -> Callable[[Callable[[Case], str | None]], Rule]:
    """Makes a function a Rule that names the official page(s) it encodes."""

    def make(decide: Callable[[Case], str | None]) -> Rule:
        return Rule(decide.__name__, reference, decide)

    return make


@rule(ELIGIBILITY, STP_FAQS, WHICH_EQUIVALENCE_ROUTE, ROUTE_2, AHCS_FEES)
def not_registered_yet(case: Case) -> str | None:
    """Eligibility page: HCPC registration, or eligibility with an application under way (or AHCS registration
    with equivalence under way); STP FAQs, AHCS equivalence routes and IPEM's Route 2 page for the ways in."""
    return "route.register_first" if case.profile.registration == "not_registered" else None


@rule(ELIGIBILITY, WHICH_EQUIVALENCE_ROUTE)
def registration_unknown(case: Case) -> str | None:
    """Eligibility page (registration decides HSST); AHCS: HSSE is for HCPC-registered clinical scientists."""
    return "route.registration_unclear" if case.profile.registration == "unsure" else None


@rule(ELIGIBILITY, WHICH_EQUIVALENCE_ROUTE)
def registration_lapsed(case: Case) -> str | None:
    """Eligibility page: HCPC registration or an application under way, and no start until registered; AHCS:
    HSSE needs HCPC registration. Reading: a lapsed registration counts as not registered until restored."""
    return "route.registration_lapsed" if case.profile.registration == "lapsed" else None


@rule(ROUTE_2, ELIGIBILITY)
def route_2_is_the_acs_route(case: Case) -> str | None:
    """IPEM's Route 2 page: Route 2 is the Association of Clinical Scientists' route (portfolio, interview,
    Certificate of Attainment, then HCPC). Eligibility page: the apply-while-under-way allowance is written for
    AHCS equivalence; whether Route 2 in progress counts is not stated, so the advice says to ask NSHCS."""
    return "route.acs_route_2" if case.profile.registration == "acs_route_2" else None


@rule(ELIGIBILITY, PERSON_SPECIFICATION)
def hcpc_application_pending(case: Case) -> str | None:
    """Eligibility page: "HCPC registration as a Clinical Scientist, or eligibility with an application under way";
    you cannot start until registered."""
    return "route.apply_while_hcpc_pending" if case.profile.registration == "hcpc_pending" else None


@rule(PERSON_SPECIFICATION, JOINT_STATEMENT_FAQS)
def biomedical_scientist_qualifications(case: Case) -> str | None:
    """Person specification and joint-statement FAQs: biomedical scientists are eligible with the listed
    qualification combinations, without clinical scientist registration."""
    if case.profile.registration != "biomedical_scientist":
        return None
    return {"no": "route.bms_qualifications_first", "unsure": "route.bms_qualifications_unclear"}.get(
        case.profile.bms_diploma or ""
    )


@rule(WHICH_EQUIVALENCE_ROUTE, AHCS_FEES)
def hsse(case: Case) -> str | None:
    """AHCS, which equivalence route: HSSE is for HCPC-registered clinical scientists *aiming at* consultant level
    who have worked at an appropriate level for at least `hsse_minimum_years`. Reading: "appropriate level" is not
    consultant level (AHCS does not define it; principal and Band 8B scientists have used HSSE), so the question
    asks for years at a senior or appropriate level and AHCS judges the level."""
    years = case.profile.senior_years
    if not wants_recognition(case.profile) or years is None:
        return None
    return "route.hsse" if years >= case.value("hsse_minimum_years") else "route.hsse_not_yet"


@rule(RECRUITMENT_2024, RECRUITMENT_2023, RECRUITMENT_2025, JOINT_STATEMENT_FAQS, NES_HSST)
def where_you_work(case: Case) -> str | None:
    """Recruitment overviews: the 2024 and 2025 guidance is for England, the 2023 guidance covered England and
    Wales; joint-statement FAQs: NSHCS does not commission posts in Northern Ireland; NES: Scotland's own cohort,
    sponsorship closed as of November 2023. The nations other than England get a note instead of a route (and are
    not asked about NHS employment); England gets its route and the by-year caveat (recruitment_by_year).
    Reading: from outside the UK, the in-service route (NHS employment in the specialty) is not open, and we say
    to ask NSHCS about direct entry."""
    if not hsst_considered(case.profile):
        return None
    return {
        "wales": "route.nation_wales",
        "scotland": "route.nation_scotland",
        "northern_ireland": "route.nation_northern_ireland",
        "elsewhere": "route.nation_elsewhere",
    }.get(case.profile.nation or "")


@rule(RECRUITMENT_2025, APPLYING_FAQS, APPLYING_2021)
def hsst_route(case: Case) -> str | None:
    """Recruitment overview and FAQs: in-service needs NHS employment in the specialty applied for, the
    employer's nomination and an allocated post; direct entry is a new post open to competition, on a fixed-term
    contract. 2021 guidance (and facts' conflict row 13): in-service staff may apply to both, but taking a
    direct-entry post means giving up their NHS post, so NHS staff in another specialism are told so. Asked and
    given for England only (where_you_work)."""
    profile = case.profile
    if not hsst_considered(profile) or profile.nation != "england" or profile.nhs_employed is None:
        return None
    if profile.nhs_employed == "other_specialism":
        return "route.hsst_direct_entry_other_specialism"
    if profile.nhs_employed == "no":
        return "route.employment_unclear" if profile.employer_nomination == "yes" else "route.hsst_direct_entry"
    return {
        "yes": "route.hsst_in_service",
        "no": "route.hsst_direct_entry_not_nominated",
        "unsure": "route.hsst_in_service_if_nominated",
    }.get(profile.employer_nomination or "")


@rule(RECRUITMENT_2024, RECRUITMENT_2025)
def in_service_interview(case: Case) -> str | None:
    """2025 overview: the in-service interview is for benchmarking, not competition. 2024 overview: in cardiac
    science, clinical biochemistry, microbiology and respiratory and sleep science demand exceeded places and
    applications became competitive, highest scorers appointed (specialisms.yml marks them `competitive`)."""
    if hsst_route(case) not in IN_SERVICE_ROUTES:
        return None
    specialism = case.content.specialism(case.profile.specialism)
    return "interview.competitive" if specialism and specialism.competitive else "interview.benchmarking"


@rule(RECRUITMENT_2024, RECRUITMENT_2023, RECRUITMENT_2025)
def recruitment_by_year(case: Case) -> str | None:
    """Recruitment overviews (and facts' conflict row 6): coverage has changed by year (England and Wales in 2023,
    England in 2024 and 2025), so a route in England comes with "check the current year's guidance"."""
    return "recruitment.england_by_year" if hsst_route(case) in HSST_ROUTES else None


@rule(ELIGIBILITY)
def equivalence_under_way(case: Case) -> str | None:
    """Eligibility page: on an equivalence route, apply once registered with AHCS with equivalence under way;
    you cannot start until registered."""
    under_way = case.profile.registration == "equivalence_under_way" and hsst_considered(case.profile)
    return "route.hsst_after_registration" if under_way else None


@rule(PRIOR_PHDS, PATHWAYS, DOCTORAL_EXCEPTIONS)
def section_c(case: Case) -> str | None:
    """Prior-PhD approval page: exemption from the Section C research project is likely for a PhD relevant to the
    specialty (or a cognate one) completed within `phd_window_years`, asked for within the first
    `phd_exemption_request_months`; the innovation project and lay talk stay; no DClinSci without the research
    project (pathways page: a Postgraduate Diploma; an older FAQ said Certificate). Pathways and exceptions pages:
    in Life Sciences the doctorate is optional. The page says nothing about older or unrelated PhDs, so those get
    "plan on the research project, you can still ask", not "unlikely". Reading: the window is counted to the
    programme start (phd_window)."""
    profile = case.profile
    if not hsst_considered(profile) or profile.has_phd is None:
        return None
    if profile.has_phd == "no":
        if profile.phd_year is not None:
            return "section_c.answers_unclear"
        return "section_c.doctorate_optional" if case.theme == "life_sciences" else "section_c.full_dclinsci"
    if profile.phd_relevant == "no":
        return "section_c.phd_not_relevant"
    if profile.phd_year is None or profile.phd_relevant is None:
        return None
    window = phd_window(profile.phd_year, case.start, case.content)
    if window == "outside":
        return "section_c.phd_too_old"
    if window == "borderline":
        return "section_c.window_borderline"
    return "section_c.research_exemption_likely" if profile.phd_relevant == "yes" else "section_c.relevance_decides"


@rule(CERTIFICATION, PATHWAYS, DOCTORAL_EXCEPTIONS)
def life_sciences_frcpath(case: Case) -> str | None:
    """Pathways and exceptions pages: Life Sciences trainees must pass FRCPath (Parts 1 and 2); Part 1 can replace
    DClinSci Section B. Certification page: Life Sciences use FRCPath instead of the IAPS. Reading: which
    specialisms are Life Sciences is standard usage (specialisms.yml), not stated in the sources."""
    return "completion.frcpath" if case.theme == "life_sciences" and hsst_considered(case.profile) else None


@rule(CERTIFICATION)
def clinical_engineering_ceng(case: Case) -> str | None:
    """Certification page: Clinical Biomedical Engineering trainees must also gain CEng to complete."""
    engineering = case.theme == "clinical_biomedical_engineering"
    return "completion.ceng" if engineering and hsst_considered(case.profile) else None


@rule(IPEM_RESPONSE)
def imaging_track_for_mri(case: Case) -> str | None:
    """IPEM's recommendation 5 (IPEM's, not NSHCS policy): MRI staff to the Imaging track, without Part C with a
    relevant PhD."""
    mri = case.profile.specialism == "MRI"
    return "track.imaging_for_mri" if mri and hsst_considered(case.profile) else None


@rule(HSST)
def what_is_official_about_tracks(case: Case) -> str | None:
    """No current official NSHCS list of physics tracks, and no document defining an Imaging track, was found:
    said wherever the advice names a track, so no one takes the track for an official one."""
    return "track.what_is_official" if imaging_track_for_mri(case) else None


@rule(END_DATE, RECRUITMENT_2025)
def working_pattern(case: Case) -> str | None:
    """2025 overview: full time at the point of entry. End-date page: less than full time spreads the years and the
    funding pro rata, NSHCS approves it and recalculates the end date (no formula is given, so none is shown);
    trainees *generally* need at least `ltft_minimum_wte`, so below it is "talk to NSHCS", not a bar. Reading:
    that less than full time is arranged after starting is our reading of "full time at the point of entry"."""
    wte = case.profile.wte
    if not hsst_considered(case.profile) or wte is None:
        return None
    if wte >= 1:
        return "working_pattern.full_time"
    # Compared in hundredths so 0.6 typed as a float is exactly the minimum.
    if round(wte * 100) >= round(case.value("ltft_minimum_wte") * 100):
        return "working_pattern.ltft_with_approval"
    return "working_pattern.below_usual_minimum"


@rule(JOB_GUARANTEE)
def register_is_not_a_job(case: Case) -> str | None:
    """Job-guarantee page: completing makes you eligible to apply for consultant posts, with no guarantee a post
    exists. Said wherever the advice names a route that leads to the register."""
    return "hssr.not_a_guarantee" if {hsse(case), hsst_route(case)} & REGISTER_ROUTES else None


@rule(RPA2000_MPE)
def medical_physics_expert(case: Case) -> str | None:
    """RPA 2000: anyone acting as an MPE under IR(ME)R must hold its certificate; no source says HSST gives it.
    Reading: the MPE role under IR(ME)R concerns ionising-radiation exposures, so the note is for specialisms whose
    work involves ionising radiation (specialisms.yml `radiation: [ionising]`), not ultrasound or MRI."""
    return "mpe.rpa2000_certificate" if "ionising" in case.radiation else None


@rule(IPEM_MRSE)
def mr_safety_expert(case: Case) -> str | None:
    """IPEM's MR Safety Expert certificate of competence (ABMRS exam and portfolio), for MR work
    (specialisms.yml `radiation: [mr]`)."""
    return "mr_safety.mrse_certificate" if "mr" in case.radiation else None


# The order the advice lists its recommendations in: registration, route, Section C, completion, track,
# working pattern, caveats.
RULES = (
    not_registered_yet,
    registration_unknown,
    registration_lapsed,
    route_2_is_the_acs_route,
    hcpc_application_pending,
    biomedical_scientist_qualifications,
    hsse,
    where_you_work,
    hsst_route,
    in_service_interview,
    recruitment_by_year,
    equivalence_under_way,
    section_c,
    life_sciences_frcpath,
    clinical_engineering_ceng,
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
    """A recommendation that applies: its id in content/route_advice.yml and the pages of the rule that chose it."""

    id: str
    reference: tuple[str, ...]


def advise(profile: Profile, today: dt.date, content: RouteContent) -> list[Recommendation]:
    """The recommendations for this profile, in the order of RULES.

    Raises ProfileError for a PhD dated after `today` or a start year before the next start.
    """
    if profile.phd_year is not None and profile.phd_year.earliest > today:
        raise ProfileError(f"a PhD awarded in {profile.phd_year.year} is in the future")
    if profile.start_year is not None and profile.start_year < next_start(today, content).year:
        raise ProfileError(f"a start in {profile.start_year} is before the next programme start")
    case = Case(profile, today, content)
    chosen = ((each(case), each.reference) for each in RULES)
    return [Recommendation(advice_id, reference) for advice_id, reference in chosen if advice_id is not None]
