"""Reads the route advisor's answers out of what people type or click. No Rasa import.

Every answer, typed ("2019", "0.8", "about 4 days a week") or sent by a button or a
``/inform{"phd_year": "2019"}`` message, goes through the same parser here, so a value
that would be refused typed is refused however it arrives. A parser returns either a
value the rules accept or a problem to say back to the person, never a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.content_schema import is_number
from advisor.route.content import RouteContent
from advisor.route.profile import (
    EARLIEST_PHD_YEAR,
    GOALS,
    MAX_SENIOR_YEARS,
    MAX_START_YEARS_AHEAD,
    NATIONS,
    NHS_EMPLOYMENTS,
    REGISTRATIONS,
    YES_NO,
    YES_NO_UNSURE,
)
from advisor.route.rules import next_start

WORKING_DAYS = 5
# Replies longer than this must start with yes, no or "not sure" to count as one.
SHORT_REPLY_WORDS = 6

NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}  # fmt: skip
# Four digits standing alone: not part of a longer number or a decimal ("2019." ends a sentence).
YEAR = re.compile(r"(?<!\d)(?<!\d\.)(\d{4})(?!\d|\.\d)")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?|(?<![\w.])-?\.\d+")
PHD_WORD = r"(ph\.?\s?d|dphil|doctorate)"
# "I have a PhD", "my PhD", "with a PhD from 2019": said as a fact about the person.
PHD = re.compile(
    r"\b(i have|i've got|i've|i hold|i got|i did|i completed|i finished|with|my|have a)\b[^.?!,]{0,20}\b" + PHD_WORD,
    re.IGNORECASE,
)
# "if I have a PhD" is a hypothetical, not an answer.
HYPOTHETICAL_PHD = re.compile(r"\b(if|whether|assuming|suppose)\b[^.?!]{0,20}\b" + PHD_WORD, re.IGNORECASE)
NO_PHD = re.compile(r"\b(no|not|don'?t|do not|haven'?t|without|never)\b[^.?!]{0,25}\b" + PHD_WORD, re.IGNORECASE)


# Statements that answer a question whenever they are said, so people can correct an answer
# ("actually my employer wouldn't nominate me"). A value of None means: parse the matched text.
# The first pattern that matches for an answer wins, so the doubtful forms come first.
VOLUNTEERED_PATTERNS = (
    (
        "employer_nomination",
        re.compile(r"\b(not sure|unsure|don't know|no idea|whether|if)\b.{0,20}\bemployer (would|will)", re.I),
        "unsure",
    ),
    ("employer_nomination", re.compile(r"\bemployer (would not|wouldn't|will not|won't) nominate", re.I), "no"),
    ("employer_nomination", re.compile(r"\bemployer (would|will) nominate", re.I), "yes"),
    ("nhs_employed", re.compile(r"\b(not|n't) (employed by|work(ing)? for|work(ing)? in) the nhs\b", re.I), "no"),
    ("nhs_employed", re.compile(r"\b(i'm|i am) (employed by|working for|working in) the nhs\b", re.I), "yes"),
    (
        "wte",
        re.compile(r"(?<![\w.])(0?\.\d+) ?wte\b|\b\d+(\.\d+)? hours (a|per) week\b|\b\d days (a|per) week\b", re.I),
        None,
    ),
    (
        "senior_years",
        re.compile(r"\b\d+(\.\d+)? years? (at|as) (an? )?(consultant|senior|principal|appropriate)\b", re.I),
        None,
    ),
)


@dataclass(frozen=True)
class Parsed:
    """A value the rules accept, or a problem to tell the person (exactly one is set)."""

    value: Any = None
    problem: str | None = None


NOT_UNDERSTOOD = Parsed(problem="Sorry, I couldn't tell your answer from that.")


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9.%' ]+", " ", text.lower()) + " "


def _has(text: str, *phrases: str) -> bool:
    words = _words(text)
    return any(f" {phrase} " in words for phrase in phrases)


def _numbers(text: str) -> list[float]:
    found = [float(match) for match in NUMBER.findall(text)]
    found += [float(NUMBER_WORDS[word]) for word in _words(text).split() if word in NUMBER_WORDS]
    return found


UNSURE_PHRASES = ("not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "maybe", "not certain",
                  "i'm not sure", "no clue", "unknown", "perhaps")  # fmt: skip
YES_PHRASES = ("yes", "yeah", "yep", "yup", "y", "sure", "correct", "i do", "i am", "i have", "they would",
               "they will", "definitely", "absolutely", "of course", "true", "right")  # fmt: skip
NO_PHRASES = ("no", "nope", "nah", "n", "not", "i don't", "i dont", "i do not", "i'm not", "i am not", "i haven't",
              "they wouldn't", "they won't", "never", "false", "none")  # fmt: skip


# Said as a fact about the person, these mean not registered wherever they appear.
NOT_REGISTERED_PHRASES = ("not registered", "not yet registered", "unregistered")


def parse_choice(raw: Any, choices: tuple[str, ...]) -> Parsed:
    """yes / no / unsure from a short reply, limited to `choices`.

    A long message is only read as yes or no if it starts like one: "I'm not sure my employer
    would nominate me" must not answer "Is your PhD relevant?".
    """
    if isinstance(raw, str) and raw.strip().lower() in choices:
        return Parsed(raw.strip().lower())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    words = _words(raw).split()
    if len(words) > SHORT_REPLY_WORDS and not _has(" ".join(words[:3]), *YES_PHRASES, *NO_PHRASES, *UNSURE_PHRASES):
        return Parsed(problem="Sorry, I couldn't tell your answer from that. A yes or a no is enough.")
    if _has(raw, *UNSURE_PHRASES):
        # "not sure" must never read as "no" where only yes or no will do.
        return Parsed("unsure") if "unsure" in choices else Parsed(problem="Sorry, I need a yes or a no here.")
    if _has(raw, *NO_PHRASES):
        return Parsed("no")
    if _has(raw, *YES_PHRASES):
        return Parsed("yes")
    return Parsed(problem="Sorry, I need a yes or a no" + (", or 'not sure'." if "unsure" in choices else "."))


# "not AHCS", "no AHCS registration": a statement about AHCS, not about being registered at all.
NOT_AHCS = re.compile(r"\b(not|no|without)\b(?: \w+){0,2} ahcs\b(?: registration)?", re.IGNORECASE)


def parse_registration(raw: Any) -> Parsed:
    if isinstance(raw, str) and raw.strip() in REGISTRATIONS:
        return Parsed(raw.strip())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    raw = NOT_AHCS.sub(" ", raw)
    if _has(raw, *UNSURE_PHRASES):
        return Parsed("unsure")
    if _has(raw, "lapsed", "expired"):
        return Parsed("lapsed")
    if _has(raw, "route 2", "route two"):
        # Route 2 is the Association of Clinical Scientists' route, not AHCS equivalence.
        return Parsed("acs_route_2")
    if _has(raw, "equivalence", "stpe"):
        return Parsed("equivalence_under_way")
    if _has(raw, "applied", "pending", "waiting", "application is in", "application in", "submitted"):
        return Parsed("hcpc_pending")
    if _has(raw, *NOT_REGISTERED_PHRASES, "not yet", "no", "not", "none"):
        return Parsed("not_registered")
    if _has(raw, "biomedical scientist", "biomedical", "bms"):
        return Parsed("biomedical_scientist")
    if _has(raw, "clinical scientist", "clinical scientists"):
        return Parsed("clinical_scientist")
    return Parsed(
        problem="Sorry, I couldn't tell how you're registered from that. Are you a clinical or a biomedical scientist?"
    )


def parse_goal(raw: Any) -> Parsed:
    if isinstance(raw, str) and raw.strip() in GOALS:
        return Parsed(raw.strip())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    if _has(raw, *UNSURE_PHRASES, "both", "either"):
        return Parsed("unsure")
    if _has(raw, "recognition", "recognised", "recognized", "recognise", "recognize", "hsse", "equivalence"):
        return Parsed("recognition")
    if _has(raw, "train", "training", "hsst", "programme", "program", "learn"):
        return Parsed("training")
    return Parsed(problem="Sorry, I couldn't tell whether you want training or recognition from that.")


def parse_specialism(raw: Any, specialisms: tuple[str, ...], recognised: str | None = None) -> Parsed:
    """A specialism from the entity ruler's canonical name, a button, or 'other'."""
    for candidate in (recognised, raw):
        if isinstance(candidate, str):
            for name in specialisms:
                if candidate.strip().lower() == name.lower():
                    return Parsed(name)
    if isinstance(raw, str) and _has(raw, "other", "something else", "none of these", "another"):
        return Parsed("other")
    return Parsed(problem="Sorry, I don't know that specialism. Pick one of the buttons, or choose 'Other'.")


def parse_year(raw: Any, today: dt.date) -> Parsed:
    """A PhD award year: one four-digit year, not before 1950 and not after this year."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        years = [raw]
    elif isinstance(raw, str):
        years = [int(year) for year in YEAR.findall(raw)]
        if not years and _numbers(raw):
            return Parsed(problem="Please give the year as four digits, for example 2019.")
    else:
        return NOT_UNDERSTOOD
    if len(set(years)) != 1:
        return Parsed(problem="Please give the one year your PhD was awarded, for example 2019.")
    year = years[0]
    if year > today.year:
        return Parsed(problem=f"{year} is in the future. Which year was your PhD awarded?")
    if year < EARLIEST_PHD_YEAR:
        return Parsed(problem=f"{year} looks too early for a PhD. Which year was it awarded?")
    return Parsed(year)


def parse_years(raw: Any) -> Parsed:
    """Years of experience: a number from 0 to 50 ("5", "five", "4.5 years")."""
    if is_number(raw):
        numbers = [float(raw)]
    elif isinstance(raw, str):
        numbers = _numbers(raw)
    else:
        return NOT_UNDERSTOOD
    if len(numbers) != 1:
        return Parsed(problem="Please give the number of years as one number, for example 6.")
    years = numbers[0]
    if not 0 <= years <= MAX_SENIOR_YEARS:
        return Parsed(problem=f"Please give a number of years between 0 and {MAX_SENIOR_YEARS}.")
    return Parsed(years)


NATION_PHRASES = (
    ("northern_ireland", ("northern ireland", "ni", "hsc")),
    ("scotland", ("scotland", "scottish")),
    ("wales", ("wales", "welsh")),
    ("england", ("england", "english")),
    ("elsewhere", ("outside the uk", "abroad", "overseas", "elsewhere", "republic of ireland")),
)


def parse_nation(raw: Any) -> Parsed:
    """Where the person works: a button value, or one nation named."""
    if isinstance(raw, str) and raw.strip() in NATIONS:
        return Parsed(raw.strip())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    named = [nation for nation, phrases in NATION_PHRASES if _has(raw, *phrases)]
    if len(named) == 1:
        return Parsed(named[0])
    return Parsed(problem="Where do you work: England, Wales, Scotland, Northern Ireland, or outside the UK?")


def parse_start_year(raw: Any, today: dt.date, content: RouteContent) -> Parsed:
    """The year someone expects to start: from the next programme start to MAX_START_YEARS_AHEAD after it."""
    first = next_start(today, content).year
    if isinstance(raw, int) and not isinstance(raw, bool):
        years = [raw]
    elif isinstance(raw, str):
        years = [int(year) for year in YEAR.findall(raw)]
    else:
        return NOT_UNDERSTOOD
    if len(set(years)) != 1:
        return Parsed(problem=f"Please give the one year you expect to start, for example {first + 1}.")
    if not first <= years[0] <= first + MAX_START_YEARS_AHEAD:
        return Parsed(problem=f"The next start I can count from is in {first}: please give a year from {first} "
                              f"to {first + MAX_START_YEARS_AHEAD}.")  # fmt: skip
    return Parsed(years[0])


def parse_wte(raw: Any, full_time_hours: float) -> Parsed:
    """Share of a full-time week: 'full time', 0.8, 80%, '4 days', '30 hours'. More than full time counts as 1."""
    if is_number(raw):
        raw = str(raw)
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    if _has(raw, "full time", "full-time", "fulltime", "ft"):
        return Parsed(1.0)
    numbers = _numbers(raw)
    if len(numbers) != 1:
        return Parsed(problem="How much of a full-time week can you work? For example 1 (full time), 0.8, or 30 hours.")
    number = numbers[0]
    in_hours = _has(raw, "hour", "hours", "hrs", "h")
    if in_hours:
        wte = number / full_time_hours
    elif _has(raw, "day", "days"):
        wte = number / WORKING_DAYS
    elif "%" in raw or _has(raw, "percent", "per cent"):
        wte = number / 100
    else:
        wte = number
    if wte <= 0:
        return Parsed(problem="That needs to be more than nothing. How much of a full-time week can you work?")
    if wte > 1 and not in_hours:
        return Parsed(problem="Please give a share of a full-time week between 0 and 1, for example 0.8.")
    return Parsed(round(min(wte, 1.0), 3))


# How each question's answer is read: (raw, today, content, recognised specialism) -> Parsed.
PARSERS: dict[str, Callable[[Any, dt.date, RouteContent, str | None], Parsed]] = {
    "registration": lambda raw, today, content, recognised: parse_registration(raw),
    # A synonym or misspelling typed ("ultrasound physics", "radiotheraphy") is read as its canonical name.
    "specialism": lambda raw, today, content, recognised: parse_specialism(
        (content.specialism_named(raw) or raw) if isinstance(raw, str) else raw, content.specialisms, recognised
    ),
    "goal": lambda raw, today, content, recognised: parse_goal(raw),
    "senior_years": lambda raw, today, content, recognised: parse_years(raw),
    "nation": lambda raw, today, content, recognised: parse_nation(raw),
    "start_year": lambda raw, today, content, recognised: parse_start_year(raw, today, content),
    "phd_year": lambda raw, today, content, recognised: parse_year(raw, today),
    "wte": lambda raw, today, content, recognised: parse_wte(raw, content.full_time_hours(today)),
    "nhs_employed": lambda raw, today, content, recognised: parse_choice(raw, NHS_EMPLOYMENTS),
    "has_phd": lambda raw, today, content, recognised: parse_choice(raw, YES_NO),
    "bms_diploma": lambda raw, today, content, recognised: parse_choice(raw, YES_NO_UNSURE),
    "employer_nomination": lambda raw, today, content, recognised: parse_choice(raw, YES_NO_UNSURE),
    "phd_relevant": lambda raw, today, content, recognised: parse_choice(raw, YES_NO_UNSURE),
}


def parse_answer(
    slot: str, raw: Any, today: dt.date, content: RouteContent, recognised_specialism: str | None = None
) -> Parsed:
    """The one way any answer for `slot` is read, typed or sent by a button.

    `content` gives the specialisms an answer may name and the hours of a full-time week.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return NOT_UNDERSTOOD
    return PARSERS[slot](raw, today, content, recognised_specialism)


def volunteered_answers(text: str, recognised_specialism: str | None, specialisms: tuple[str, ...]) -> dict[str, Any]:
    """Answers people give without being asked ("I'm an MRI physicist with a PhD from 2019").

    Only clear signals count: a recognised specialism, a PhD mention (and its year, if the
    message has exactly one), "no PhD", and an explicit registration phrase.
    """
    found: dict[str, Any] = {}
    if not isinstance(text, str):
        return found
    if recognised_specialism in specialisms:
        found["specialism"] = recognised_specialism
    hypothetical = HYPOTHETICAL_PHD.search(text)  # "if I have a PhD" says nothing about this person
    if not hypothetical and NO_PHD.search(text):
        found["has_phd"] = "no"
    elif not hypothetical and PHD.search(text):
        found["has_phd"] = "yes"
        # The year goes through parse_answer like any answer, so "a PhD from 2035" is re-asked.
        years = set(YEAR.findall(text))
        if len(years) == 1:
            found["phd_year"] = years.pop()
    for slot, pattern, value in VOLUNTEERED_PATTERNS:
        match = pattern.search(text)
        if match and slot not in found:
            found[slot] = value if value is not None else match.group(0)
    text = NOT_AHCS.sub(" ", text)  # "HCPC clinical scientist, not registered with AHCS" is registered
    if _has(text, *NOT_REGISTERED_PHRASES):
        found["registration"] = "not_registered"
    elif _has(text, "clinical scientist") and _has(text, "registered", "hcpc", "i'm a", "i am a"):
        found["registration"] = "clinical_scientist"
    elif _has(text, "biomedical scientist") and _has(text, "registered", "hcpc", "i'm a", "i am a"):
        found["registration"] = "biomedical_scientist"
    return found
