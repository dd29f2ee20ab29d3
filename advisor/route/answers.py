"""Reads the route advisor's answers out of what people type or click. No Rasa import.

Every answer, typed ("2019", "0.8", "about 4 days a week") or sent by a button or a
``/inform{"phd_year": "2019"}`` message, goes through the same reader here, so a value
that would be refused typed is refused however it arrives. A reader returns a value the
rules accept, "unsure" (an answer: the rules have "I can't tell" outcomes), a question back,
or a problem to say back to the person, never a guess. Approximate readings ("about 6",
"5 or 6", a typo, the nearest labelled example) are marked so that they are said back.

Plain rules come first. Where they stop, ``NearestExamples`` compares the answer with the
labelled example answers in content/route_reading.yml through an ``embed`` function the
caller passes in (the action server passes the NLU's sentence encoder), so this module needs
no model and no Rasa.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from advisor.content_schema import is_number, is_text, one_line, read_yaml, require
from advisor.faq_content import nation_names_from
from advisor.route.content import RouteContent
from advisor.route.profile import (
    EARLIEST_PHD_YEAR,
    GOALS,
    MAX_SENIOR_YEARS,
    MAX_START_YEARS_AHEAD,
    NATIONS,
    NHS_EMPLOYMENTS,
    QUESTION_ORDER,
    REGISTRATIONS,
    YES_NO,
    YES_NO_UNSURE,
)
from advisor.route.rules import next_start

UNSURE = "unsure"
OTHER = "other"
WORKING_DAYS = 5
# Replies longer than this must start with yes, no or "not sure" to count as one.
SHORT_REPLY_WORDS = 8
# A typed word this close (difflib ratio) to a word the readers know is read as that word.
TYPO_CUTOFF = 0.85
TYPO_MIN_LENGTH = 5

NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}  # fmt: skip
# Four digits standing alone: not part of a longer number or a decimal ("2019." ends a sentence).
YEAR = re.compile(r"(?<!\d)(?<!\d\.)(\d{4})(?!\d|\.\d)")
SHORT_YEAR = re.compile(r"(?<![\w'])'(\d{2})\b")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?|(?<![\w.])-?\.\d+")
# Numbers that belong to something else than a count of years: an NHS band ("band 7", "an 8a").
NOT_A_COUNT = re.compile(r"\bband\s*\d+[a-d]?\b|\b(an?|i'm|im|i am)\s+\d[a-d]?\b(?!\s*(years?|yrs?))|\b\d[a-d]\b", re.I)
SINCE_YEAR = re.compile(r"\bsince\s+(\d{4})\b", re.I)
YEARS_AGO = re.compile(r"\b(\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r")\s+(years?|yrs?)\s+ago\b", re.I)
NUMBER_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:or|-|–|to)\s*(\d+(?:\.\d+)?)")
APPROXIMATE = re.compile(
    r"\b(about|around|roughly|approx\w*|nearly|almost|circa|ish|or so|maybe|think)\b|~|\+|ish\b", re.I
)
# The year a PhD was awarded, when a message gives more than one ("viva 2012, awarded 2013").
AWARD_YEAR = re.compile(r"\b(awarded|conferred|graduated|meant|got it|finished|completed)\D{0,15}(\d{4})\b", re.I)
# "not 4" inside a correction ("8 years not 4") names the old answer, not the new one.
NOT_THIS_NUMBER = re.compile(r"\b(not|rather than|instead of)\s+\d+(\.\d+)?\b", re.I)

PHD_WORD = r"(ph\.?\s?d|dphil|doctorate)"
# "I have a PhD", "my PhD", "with a PhD from 2019": said as a fact about the person.
PHD = re.compile(
    r"\b(i have|i've got|i've|i hold|i got|i did|i completed|i finished|with|my|have a)\b[^.?!,]{0,20}\b" + PHD_WORD,
    re.IGNORECASE,
)
# "if I have a PhD" is a hypothetical, not an answer.
HYPOTHETICAL_PHD = re.compile(r"\b(if|whether|assuming|suppose)\b[^.?!]{0,20}\b" + PHD_WORD, re.IGNORECASE)
NO_PHD = re.compile(r"\b(no|not|don'?t|do not|haven'?t|without|never)\b[^.?!]{0,25}\b" + PHD_WORD, re.IGNORECASE)
# "not AHCS", "no AHCS registration": a statement about AHCS, not about being registered at all.
NOT_AHCS = re.compile(r"\b(not|no|without)\b(?: \w+){0,2} ahcs\b(?: registration)?", re.IGNORECASE)
# Said to change an answer already given ("sorry, I meant 2016", "actually it's 4 days").
CORRECTION = re.compile(r"\b(sorry|actually|i meant|meant|correction|change|instead|rather|mistake|typo)\b", re.I)
WORK_PATTERN = re.compile(
    r"(?<![\w.])(0?\.\d+) ?wte\b|\b\d+(\.\d+)? ?(hours|hrs) (a|per) week\b|\b\d days (a|per) week\b", re.I
)
WORK_PATTERN_IN_CORRECTION = re.compile(r"(?<![\w.])(0?\.\d+)\b|\b\d+(\.\d+)? ?(hours|hrs|days)\b|\bfull[ -]?time\b")


# Statements that answer a question whenever they are said, so people can correct an answer
# ("actually my employer wouldn't nominate me"). A value of None means: read the matched text.
# The first pattern that matches for an answer wins, so the doubtful forms come first.
VOLUNTEERED_PATTERNS = (
    (
        "employer_nomination",
        re.compile(r"\b(not sure|unsure|don't know|no idea|whether|if)\b.{0,20}\bemployer (would|will)", re.I),
        UNSURE,
    ),
    ("employer_nomination", re.compile(r"\bemployer (would not|wouldn't|will not|won't) nominate", re.I), "no"),
    ("employer_nomination", re.compile(r"\bemployer (would|will) nominate", re.I), "yes"),
    ("nhs_employed", re.compile(r"\b(not|n't) (employed by|work(ing)? for|work(ing)? in) the nhs\b", re.I), "no"),
    ("nhs_employed", re.compile(r"\b(i'm|i am) (employed by|working for|working in) the nhs\b", re.I), "yes"),
    ("wte", WORK_PATTERN, None),
    (
        "senior_years",
        re.compile(r"\b\d+(\.\d+)? years? (at|as) (an? )?(consultant|senior|principal|appropriate)\b", re.I),
        None,
    ),
)

# --- phrases -----------------------------------------------------------------------------------

# Doubt: checked before yes and no, so "I'd say yes, though not 100% sure" is not a yes.
UNSURE_PHRASES = ("not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "maybe", "not certain",
                  "no clue", "unknown", "perhaps", "i think so", "think so", "probably", "possibly", "depends",
                  "it depends", "haven't asked", "havent asked", "not asked", "not 100", "100%", "dunno", "idk",
                  "hard to say", "unclear", "kind of", "kinda", "sort of", "partly", "partially", "somewhat",
                  "might", "hopefully", "either", "both", "can't say", "cant say", "not decided", "undecided",
                  "need to check", "who knows", "tbc", "can't remember", "cant remember", "don't remember",
                  "forget", "forgotten")  # fmt: skip
YES_PHRASES = ("yes", "yeah", "yep", "yup", "y", "ya", "yea", "yh", "yess", "sure", "correct", "i do", "i am",
               "i have", "i've got", "got the", "got it", "i hold", "they would", "they will", "definitely",
               "absolutely", "of course", "true", "right", "very much", "totally", "indeed", "pretty much",
               "supportive", "they've said", "agreed", "certainly")  # fmt: skip
NO_PHRASES = ("no", "nope", "nah", "n", "not", "i don't", "i dont", "i do not", "i'm not", "i am not", "i haven't",
              "they wouldn't", "they won't", "won't", "wouldn't", "never", "false", "none", "neither", "unlikely",
              "no chance", "not really", "not at all", "not yet")  # fmt: skip
# Employed by the NHS, but not in the specialism asked about.
OTHER_SPECIALISM_PHRASES = ("different specialism", "another specialism", "other specialism", "different specialty",
                            "another specialty", "different department", "different area", "different field",
                            "but in", "though in", "not in that", "not in this", "not that specialism")  # fmt: skip
# Words that say where someone works, for "Are you employed by the NHS?".
NHS_PHRASES = ("nhs", "trust", "foundation trust", "health board", "nhs trust", "hospital trust")
NOT_NHS_PHRASES = ("university", "private", "industry", "company", "independent sector", "charity", "abroad",
                   "self employed", "self-employed", "locum agency")  # fmt: skip
# Said as a fact about the person, these mean not registered wherever they appear.
NOT_REGISTERED_PHRASES = ("not registered", "not yet registered", "unregistered", "not on the register")
LAPSED_PHRASES = ("lapsed", "lapse", "expired", "no longer registered", "came off", "fell off", "removed from",
                  "was registered", "used to be registered", "deregistered")  # fmt: skip
APPLIED_PHRASES = ("applied", "application is in", "application in", "application's in", "pending", "waiting",
                   "awaiting", "submitted", "processing", "in process")  # fmt: skip
CLINICAL_PHRASES = ("clinical scientist", "clinical scientists", "clin scientist", "clin sci", "clinical sci")
BIOMEDICAL_PHRASES = ("biomedical scientist", "biomedical", "biomed scientist", "biomed", "bms")
ACS_ROUTE_PHRASES = ("route 2", "route two", "acs", "association of clinical scientists")
EQUIVALENCE_PHRASES = ("equivalence", "stpe", "stp equivalence", "ahcs", "certificate of attainment")
RECOGNITION_PHRASES = ("recognition", "recognised", "recognized", "recognise", "recognize", "hsse", "equivalence",
                       "already", "doing the job", "been doing", "at that level")  # fmt: skip
TRAINING_PHRASES = ("train", "training", "trained", "hsst", "programme", "program", "course", "learn")
FULL_TIME_PHRASES = ("full time", "fulltime", "ft", "full", "5 days", "five days")
HALF_TIME_PHRASES = ("half time", "half", "halftime")
ZERO_PHRASES = ("none", "no", "not yet", "never", "zero", "nil", "nothing", "not at that level", "not that level",
                "not there yet", "not senior", "0")  # fmt: skip
# Words that make a reply a question back ("what's the difference?"), at the start of a clause.
QUESTION_STARTS = ("what", "what's", "whats", "which", "how", "why", "who", "whom", "where", "when")
QUESTION_AUXILIARIES = ("does", "do", "can", "could", "is", "are", "will", "would", "should", "must", "am")
# Specialism names end like these ("histopathology", "immunology"): kept as "other" with the name.
SPECIALISM_ENDINGS = ("ology", "ologies", "ics", "istry", "iology", "ography", "science", "sciences", "medicine",
                      "engineering", "physics", "therapy", "genetics", "pathology")  # fmt: skip
SOONEST_PHRASES = ("as soon as possible", "asap", "next intake", "next one", "coming", "this coming", "next round",
                   "next recruitment", "soonest", "straight away", "right away")  # fmt: skip
OTHER_PHRASES = ("other", "something else", "none of these", "another", "not on your list", "not listed", "not there")


@dataclass(frozen=True)
class Parsed:
    """What an answer says: a value the rules accept, or a problem to tell the person.

    `question` marks a question back (answered, then the question is asked again; no value, no
    problem). `approximate` marks a reading to say back ("about 6" read as 6). `also` holds
    answers to other questions the same message gives ("yes, 2017" to "Do you have a PhD?").
    """

    value: Any = None
    problem: str | None = None
    question: bool = False
    approximate: bool = False
    also: dict[str, Any] = field(default_factory=dict)


NOT_UNDERSTOOD = Parsed(problem="Sorry, I couldn't tell your answer from that.")
QUESTION_BACK = Parsed(question=True)


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9.%' ]+", " ", text.lower()) + " "


def _has(text: str, *phrases: str) -> bool:
    words = _words(text)
    return any(f" {phrase} " in words for phrase in phrases)


def _first_position(text: str, phrases: tuple[str, ...]) -> int | None:
    words = _words(text)
    found = [words.find(f" {phrase} ") for phrase in phrases if f" {phrase} " in words]
    return min(found) if found else None


def _numbers(text: str) -> list[float]:
    found = [float(match) for match in NUMBER.findall(text)]
    found += [float(NUMBER_WORDS[word]) for word in _words(text).split() if word in NUMBER_WORDS]
    if found and re.search(r"\band a half\b", text, re.I):
        found = [found[0] + 0.5]
    return found


def fix_typos(text: str, vocabulary: frozenset[str]) -> str:
    """`text` with each longer word not in `vocabulary` replaced by its close match there, if any."""

    def fixed(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) < TYPO_MIN_LENGTH or word.lower() in vocabulary:
            return word
        close = difflib.get_close_matches(word.lower(), vocabulary, n=1, cutoff=TYPO_CUTOFF)
        return close[0] if close else word

    return re.sub(r"[A-Za-z]+", fixed, text)


def _vocabulary(*phrase_lists: tuple[str, ...]) -> frozenset[str]:
    return frozenset(
        word for phrases in phrase_lists for phrase in phrases for word in phrase.split() if word.isalpha()
    )


def is_question_back(text: str) -> bool:
    """A reply that asks something ("not sure, what's the difference?", "does an MD count?")."""
    for clause in re.split(r"[,;.!?—–:]| - |\bbut\b|\band\b", text.lower()):
        words = clause.replace("’", "'").split()
        if not words:
            continue
        if words[0] in QUESTION_STARTS and len(words) >= 2:
            return True
        if words[0] in QUESTION_AUXILIARIES and len(words) >= 3 and "?" in text:
            return True
    return "difference" in text.lower()


# "not totally sure", "not 100% certain": doubt however it is worded.
NOT_SURE = re.compile(r"\bnot\s+(\w+\s+|100%\s+)?(sure|certain|100%)", re.I)


def _is_unsure(text: str) -> bool:
    return _has(text, *UNSURE_PHRASES) or bool(NOT_SURE.search(text))


def parse_choice(raw: Any, choices: tuple[str, ...], yes_words: tuple[str, ...] = (),
                 no_words: tuple[str, ...] = ()) -> Parsed:  # fmt: skip
    """yes / no / unsure from a short reply; `yes_words` and `no_words` are this question's own.

    A long message is only read as yes or no if it starts like one: "I'm not sure my employer
    would nominate me" must not answer "Is your PhD relevant?". Doubt wins over yes and no.
    """
    if isinstance(raw, str) and raw.strip().lower() in (*choices, UNSURE):
        return Parsed(raw.strip().lower())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    words = _words(raw).split()
    opening = " ".join(words[:3])
    openers = (*YES_PHRASES, *NO_PHRASES, *UNSURE_PHRASES, *no_words, "i'd say", "id say", "i would say")
    if len(words) > SHORT_REPLY_WORDS and not _has(opening, *openers):
        return Parsed(problem="Sorry, I couldn't tell your answer from that. A yes or a no is enough.")
    if _is_unsure(raw):
        return Parsed(UNSURE)
    if _has(raw, *NO_PHRASES, *no_words):
        return Parsed("no")
    if _has(raw, *YES_PHRASES, *yes_words):
        return Parsed("yes")
    return Parsed(problem="Sorry, I need a yes or a no" + (", or 'not sure'." if UNSURE in choices else "."))


def parse_registration(raw: Any) -> Parsed:
    if isinstance(raw, str) and raw.strip() in (*REGISTRATIONS, UNSURE):
        return Parsed(raw.strip())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    text = fix_typos(raw, REGISTRATION_VOCABULARY)
    if _is_unsure(text):
        return Parsed(UNSURE)
    if _has(text, *LAPSED_PHRASES):
        return Parsed("lapsed", approximate=text != raw)
    # Before the clinical scientist phrases: "the Association of Clinical Scientists' Route 2".
    if _has(text, *ACS_ROUTE_PHRASES):
        return Parsed("acs_route_2", approximate=text != raw)
    # "AHCS, equivalence application pending" is equivalence under way, not a pending HCPC application.
    if _has(_without_negated(text), *EQUIVALENCE_PHRASES) and not _has(text, *CLINICAL_PHRASES, *BIOMEDICAL_PHRASES):
        return Parsed("equivalence_under_way", approximate=text != raw)
    if _has(text, *APPLIED_PHRASES):
        return Parsed("hcpc_pending", approximate=text != raw)
    if _has(text, *NOT_REGISTERED_PHRASES):
        return Parsed("not_registered")
    # "HCPC clinical scientist, not AHCS" names the register it is on first.
    if _has(text, *CLINICAL_PHRASES):
        return Parsed("clinical_scientist", approximate=text != raw)
    if _has(text, *BIOMEDICAL_PHRASES):
        return Parsed("biomedical_scientist", approximate=text != raw)
    # A plain no ("no, still training"), said first; "..., not AHCS" further on is no such answer.
    if _has(" ".join(_words(text).split()[:2]), "not yet", "no", "nope", "not", "none") or _has(
        text, "trainee", "student"
    ):
        return Parsed("not_registered")
    return Parsed(
        problem="Sorry, I couldn't tell how you're registered from that. Are you a clinical or a biomedical scientist?"
    )


def _without_negated(text: str) -> str:
    """`text` without what it says someone lacks: "training — I haven't the experience for equivalence"."""
    return re.sub(
        r"\b(no|not|haven't|havent|have not|don't|dont|never|without|lack|n't)\b[^,.;—–!?]*", " ", text, flags=re.I
    )


def parse_goal(raw: Any) -> Parsed:
    if isinstance(raw, str) and raw.strip() in GOALS:
        return Parsed(raw.strip())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    text = fix_typos(raw, GOAL_VOCABULARY)
    if _is_unsure(text):
        return Parsed(UNSURE)
    kept = _without_negated(text)
    recognition = _first_position(kept, RECOGNITION_PHRASES)
    training = _first_position(kept, TRAINING_PHRASES)
    if recognition is not None and (training is None or recognition < training):
        return Parsed("recognition")
    if training is not None:
        return Parsed("training")
    return Parsed(problem="Sorry, I couldn't tell whether you want training or recognition from that.")


def parse_specialism(raw: Any, synonyms: Mapping[str, tuple[str, ...]], recognised: str | None = None) -> Parsed:
    """A specialism by any of its names in content, a button, or a name not on the list (kept, as other).

    The longest name found wins ("MRI physics" over "physics"). A typed name that is not on the
    list but reads like one ("histopathology") is kept as it was typed, so the advice can use it.
    """
    for candidate in (recognised, raw):
        if isinstance(candidate, str):
            for name in synonyms:
                if candidate.strip().lower() == name.lower():
                    return Parsed(name)
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    if raw.strip().lower() in (OTHER, UNSURE):
        return Parsed(raw.strip().lower())
    vocabulary = _vocabulary(*synonyms.values(), OTHER_PHRASES)
    text = fix_typos(raw, vocabulary)
    if _is_unsure(text):
        return Parsed(UNSURE)
    found = [(len(variant), name) for name, variants in synonyms.items() for variant in (name, *variants)
             if _has(text, variant.lower())]  # fmt: skip
    if found:
        return Parsed(max(found)[1], approximate=text != raw)
    named = [word for word in _words(text).split() if word.endswith(SPECIALISM_ENDINGS)]
    if named or _has(text, *OTHER_PHRASES):
        return Parsed(" ".join(named) if named else OTHER, approximate=True)
    return Parsed(problem="Sorry, I don't know that specialism. Pick one of the buttons, or choose 'Other'.")


def parse_year(raw: Any, today: dt.date) -> Parsed:
    """A PhD award year: one four-digit year, not before 1950 and not after this year."""
    approximate = False
    if isinstance(raw, int) and not isinstance(raw, bool):
        years = [raw]
    elif isinstance(raw, str):
        award = AWARD_YEAR.search(raw)
        ago = YEARS_AGO.search(raw)
        years = [int(year) for year in YEAR.findall(raw)]
        if award:
            years = [int(award.group(2))]
        elif not years and ago:
            count = ago.group(1).lower()
            years = [today.year - round(float(NUMBER_WORDS.get(count, count)))]
            approximate = True
        elif not years and SHORT_YEAR.search(raw):
            short = int(SHORT_YEAR.search(raw).group(1))
            years = [2000 + short if 2000 + short <= today.year else 1900 + short]
            approximate = True
        if not years and _is_unsure(raw):
            return Parsed(UNSURE)
        if not years and _numbers(raw):
            return Parsed(problem="Please give the year as four digits, for example 2019.")
        approximate = approximate or bool(APPROXIMATE.search(raw))
    else:
        return NOT_UNDERSTOOD
    if len(set(years)) != 1:
        return Parsed(problem="Please give the one year your PhD was awarded, for example 2019.")
    year = years[0]
    if year > today.year:
        return Parsed(problem=f"{year} is in the future. Which year was your PhD awarded?")
    if year < EARLIEST_PHD_YEAR:
        return Parsed(problem=f"{year} looks too early for a PhD. Which year was it awarded?")
    return Parsed(year, approximate=approximate)


def parse_years(raw: Any, today: dt.date) -> Parsed:
    """Years of experience: 0 to 50 ("5", "five", "about 6", "5 or 6" read as 5, "since 2012", "none").

    Numbers that are not a count of years ("band 7", "an 8a") are left out; a range is read
    as its lower end, so that the advice never assumes more experience than was said.
    """
    if is_number(raw) and not isinstance(raw, bool):
        return _years_in_range(float(raw), approximate=False)
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    text = NOT_THIS_NUMBER.sub(" ", NOT_A_COUNT.sub(" ", raw))
    # "none, I'm band 7", "not at that level yet, I'm an 8a": a grade said with a no is no years.
    graded_no = text != raw and _has(text, "no", "not", "none", "never", "nope")
    since = SINCE_YEAR.findall(text)
    if len(since) > 1:
        return Parsed(problem="Please give the number of years as one number, for example 6.")
    if since and int(since[0]) <= today.year:
        return _years_in_range(float(today.year - int(since[0])), approximate=True)
    approximate = bool(APPROXIMATE.search(text))
    between = NUMBER_RANGE.search(text)
    numbers = [min(float(between.group(1)), float(between.group(2)))] if between else _numbers(text)
    if len(numbers) == 1:
        return _years_in_range(numbers[0], approximate=approximate or bool(between))
    if numbers:
        return Parsed(problem="Please give the number of years as one number, for example 6.")
    if _is_unsure(text):
        return Parsed(UNSURE)
    if graded_no or _has(text, *ZERO_PHRASES) or re.search(r"\bnot\b.*\byet\b", text, re.I):
        return Parsed(0.0, approximate=True)
    return Parsed(problem="Please give the number of years as one number, for example 6.")


def _years_in_range(years: float, approximate: bool) -> Parsed:
    if not 0 <= years <= MAX_SENIOR_YEARS:
        return Parsed(problem=f"Please give a number of years between 0 and {MAX_SENIOR_YEARS}.")
    return Parsed(years, approximate=approximate)


def parse_wte(raw: Any, full_time_hours: float) -> Parsed:
    """Share of a full-time week: 'full time', 0.8, 80%, '4 days', '30 hours'. More than full time counts as 1."""
    if is_number(raw):
        raw = str(raw)
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    numbers = _numbers(raw)
    if not numbers and _has(raw, *FULL_TIME_PHRASES) and not _has(raw, "part time", "not full", "not"):
        return Parsed(1.0)
    if not numbers and _has(raw, *HALF_TIME_PHRASES):
        return Parsed(0.5)
    if not numbers and _is_unsure(raw):
        return Parsed(UNSURE)
    if len(numbers) != 1:
        return Parsed(problem="How much of a full-time week can you work? For example 1 (full time), 0.8, or 30 hours.")
    number = numbers[0]
    in_hours = _has(raw, "hour", "hours", "hrs", "h", "hr")
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


def parse_nhs_employment(raw: Any) -> Parsed:
    """yes, no, or employed by the NHS in another specialism ("yes but in radiotherapy, not MRI")."""
    if isinstance(raw, str) and raw.strip() in (*NHS_EMPLOYMENTS, UNSURE):
        return Parsed(raw.strip())
    if isinstance(raw, str) and not _is_unsure(raw) and _has(raw, *OTHER_SPECIALISM_PHRASES):
        return Parsed("other_specialism")
    return parse_choice(raw, YES_NO, NHS_PHRASES, NOT_NHS_PHRASES)


def parse_nation(raw: Any, names: Mapping[str, tuple[str, ...]]) -> Parsed:
    """Where someone works, by any of the names in content; two places ("moving from A to B") is asked again."""
    if isinstance(raw, str) and raw.strip() in (*NATIONS, UNSURE):
        return Parsed(raw.strip())
    if not isinstance(raw, str):
        return NOT_UNDERSTOOD
    text = fix_typos(raw, _vocabulary(*names.values()))
    # Longer names first, and each found name taken out, so "Northern Ireland" is not also "Ireland".
    words, found = _words(text), set()
    for _, nation, name in sorted(((len(n), nation, n) for nation, ns in names.items() for n in ns), reverse=True):
        if f" {name.lower()} " in words:
            found.add(nation)
            words = words.replace(f" {name.lower()} ", " | ")
    if len(found) == 1:
        return Parsed(found.pop(), approximate=text != raw)
    if not found and _is_unsure(text):
        return Parsed(UNSURE)
    return Parsed(
        problem="Sorry, I couldn't tell where you work. England, Wales, Scotland, Northern Ireland, or outside the UK?"
    )


def parse_start_year(raw: Any, today: dt.date, content: RouteContent) -> Parsed:
    """The year someone expects to start: "2028", "next year", "as soon as possible" (the next start)."""
    first = next_start(today, content).year
    if isinstance(raw, int) and not isinstance(raw, bool):
        years, approximate = [raw], False
    elif isinstance(raw, str):
        approximate = bool(APPROXIMATE.search(raw)) or _is_unsure(raw)
        years = [int(year) for year in YEAR.findall(raw)]
        between = re.search(r"(\d{4})\s*(?:or|-|–|to)\s*(\d{4})", raw)
        ahead = re.search(r"\bin\s+(\d+|" + "|".join(NUMBER_WORDS) + r")\s+years?\b", raw, re.I)
        if between:
            years, approximate = [min(int(between.group(1)), int(between.group(2)))], True
        elif not years and SHORT_YEAR.search(raw):
            years, approximate = [2000 + int(SHORT_YEAR.search(raw).group(1))], True
        elif not years and ahead:
            count = ahead.group(1).lower()
            years, approximate = [today.year + int(NUMBER_WORDS.get(count, count))], True
        elif not years and _has(raw, "next year"):
            years, approximate = [today.year + 1], True
        elif not years and _has(raw, "this year"):
            years, approximate = [today.year], True
        elif not years and _has(raw, *SOONEST_PHRASES):
            years, approximate = [first], True
        if not years and _is_unsure(raw):
            return Parsed(UNSURE)
    else:
        return NOT_UNDERSTOOD
    if len(set(years)) != 1:
        return Parsed(problem="Which year do you expect to start? For example " + str(first + 1) + ".")
    year = years[0]
    if year < first:
        return Parsed(problem=f"The next programme start I know of is in {first}. Which year do you expect to start?")
    if year > first + MAX_START_YEARS_AHEAD:
        return Parsed(problem=f"{year} is a long way off. Which year do you expect to start, for example {first + 1}?")
    return Parsed(year, approximate=approximate)


REGISTRATION_VOCABULARY = _vocabulary(
    LAPSED_PHRASES, APPLIED_PHRASES, NOT_REGISTERED_PHRASES, CLINICAL_PHRASES, BIOMEDICAL_PHRASES, EQUIVALENCE_PHRASES,
    ("registered", "registration", "register", "trainee", "student", "scientist"),
)  # fmt: skip
GOAL_VOCABULARY = _vocabulary(RECOGNITION_PHRASES, TRAINING_PHRASES, ("consultant", "experience", "level"))


# --- the labelled examples and the sentence encoder ---------------------------------------------


READING_TEXTS = ("noted", "taken_as", "so_far", "nothing_so_far", "skip_button", "taken_as_unsure", "summary")


@dataclass(frozen=True)
class ReadingContent:
    """content/route_reading.yml, checked, plus the specialism names the reader matches."""

    threshold: float
    margin: float
    explained_by: dict[str, str]  # question -> FAQ intent that answers a question back
    said_back: dict[str, dict[str, str]]
    examples: dict[str, dict[str, tuple[str, ...]]]  # question -> value -> example answers
    texts: dict[str, str]  # what is said around the answers ("Noted: ...")
    nation_names: dict[str, tuple[str, ...]]  # nation -> the names people type for it


def load_reading_content(directory: Path, faq_intents: tuple[str, ...]) -> ReadingContent:
    """Reads and checks route_reading.yml; raises ContentError naming the first problem."""
    raw = read_yaml(directory / "route_reading.yml")
    where = "route_reading.yml"
    require(isinstance(raw, Mapping), where, "must be a mapping")
    nearest = raw.get("nearest")
    require(isinstance(nearest, Mapping), where, "nearest needs a threshold and a margin")
    for name in ("threshold", "margin"):
        require(is_number(nearest.get(name)) and 0 <= nearest[name] <= 1, where, f"nearest.{name} must be 0 to 1")
    explained_by = raw.get("explained_by")
    require(isinstance(explained_by, Mapping), where, "explained_by is missing")
    require(set(explained_by) == set(QUESTION_ORDER), where, "explained_by must name an answer for every question")
    unknown = sorted(set(explained_by.values()) - set(faq_intents))
    require(not unknown, where, f"explained_by names answers that do not exist: {', '.join(unknown)}")
    said_back = raw.get("said_back")
    require(isinstance(said_back, Mapping) and set(said_back) <= set(QUESTION_ORDER), where, "said_back: questions")
    examples = raw.get("examples")
    require(isinstance(examples, Mapping) and set(examples) <= set(QUESTION_ORDER), where, "examples: questions")
    for slot, by_value in examples.items():
        require(isinstance(by_value, Mapping), where, f"examples.{slot} must map values to example answers")
        for value, texts in by_value.items():
            require(isinstance(texts, list) and all(is_text(t) for t in texts), where, f"examples.{slot}.{value}")
    texts = raw.get("texts")
    require(
        isinstance(texts, Mapping) and set(READING_TEXTS) <= set(texts), where, f"texts: {', '.join(READING_TEXTS)}"
    )
    nation_names = nation_names_from(raw)
    require(set(nation_names) == set(NATIONS), where, "nation_names: every nation")
    return ReadingContent(
        threshold=float(nearest["threshold"]),
        margin=float(nearest["margin"]),
        explained_by=dict(explained_by),
        said_back={slot: {str(k): str(v) for k, v in texts.items()} for slot, texts in said_back.items()},
        examples={slot: {str(v): tuple(t) for v, t in by_value.items()} for slot, by_value in examples.items()},
        texts={name: one_line(str(text)) for name, text in texts.items()},
        nation_names=nation_names,
    )


class NearestExamples:
    """The value of the labelled example answer closest to a typed answer, if close enough.

    `embed` turns a text into an L2-normalised vector. Each question's examples are embedded
    the first time they are needed, or all at once by embed_examples (at start-up).
    """

    def __init__(self, content: ReadingContent, embed: Callable[[str], np.ndarray]) -> None:
        self.embed = embed
        self.threshold = content.threshold
        self.margin = content.margin
        self.examples = content.examples
        self.by_slot: dict[str, tuple[list[str], np.ndarray]] = {}

    def embed_examples(self) -> None:
        for slot in self.examples:
            self._slot_examples(slot)

    def _slot_examples(self, slot: str) -> tuple[list[str], np.ndarray]:
        if slot not in self.by_slot:
            by_value = self.examples[slot]
            labels = [value for value, texts in by_value.items() for _ in texts]
            vectors = np.stack([self.embed(text) for texts in by_value.values() for text in texts])
            self.by_slot[slot] = (labels, vectors)
        return self.by_slot[slot]

    def value(self, slot: str, text: str) -> str | None:
        if slot not in self.examples:
            return None
        labels, vectors = self._slot_examples(slot)
        scores = vectors @ self.embed(text)
        best: dict[str, float] = {}
        for label, score in zip(labels, scores, strict=True):
            best[label] = max(best.get(label, -1.0), float(score))
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        top_label, top_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else -1.0
        if top_score >= self.threshold and top_score - runner_up >= self.margin:
            return top_label
        return None


# --- one way in ----------------------------------------------------------------------------------


def _yes_no_reader(choices: tuple[str, ...], yes_words: tuple[str, ...] = (), no_words: tuple[str, ...] = ()):
    return lambda raw, today, content, reading, recognised: parse_choice(raw, choices, yes_words, no_words)


def _specialism_names(content: RouteContent) -> dict[str, tuple[str, ...]]:
    return {name: details.synonyms for name, details in content.specialism_details.items()}


# How each question's answer is read by the plain rules: (raw, today, content, reading, recognised) -> Parsed.
PARSERS: dict[str, Callable[[Any, dt.date, RouteContent, ReadingContent, str | None], Parsed]] = {
    "registration": lambda raw, today, content, reading, recognised: parse_registration(raw),
    "specialism": lambda raw, today, content, reading, recognised: parse_specialism(
        raw, _specialism_names(content), recognised
    ),
    "bms_diploma": _yes_no_reader(YES_NO_UNSURE, ("diploma",), ("only", "just")),
    "goal": lambda raw, today, content, reading, recognised: parse_goal(raw),
    "senior_years": lambda raw, today, content, reading, recognised: parse_years(raw, today),
    "nation": lambda raw, today, content, reading, recognised: parse_nation(raw, reading.nation_names),
    "nhs_employed": lambda raw, today, content, reading, recognised: parse_nhs_employment(raw),
    "employer_nomination": _yes_no_reader(YES_NO_UNSURE, (), ("refused", "funding")),
    "has_phd": _yes_no_reader(YES_NO, ("dphil", "phd", "doctorate")),
    "phd_year": lambda raw, today, content, reading, recognised: parse_year(raw, today),
    "phd_relevant": _yes_no_reader(YES_NO_UNSURE, ("related", "same"), ("different", "unrelated")),
    "start_year": lambda raw, today, content, reading, recognised: parse_start_year(raw, today, content),
    "wte": lambda raw, today, content, reading, recognised: parse_wte(raw, content.full_time_hours(today)),
}  # fmt: skip


def parse_answer(
    slot: str,
    raw: Any,
    today: dt.date,
    content: RouteContent,
    reading: ReadingContent,
    recognised_specialism: str | None = None,
    nearest: NearestExamples | None = None,
) -> Parsed:
    """The one way any answer for `slot` is read, typed or sent by a button.

    A question back is recognised first; then the plain rules; where they find no answer, the
    nearest labelled example (if `nearest` is given) decides, and the reading is said back.
    `content` gives the hours of a full-time week; `reading` the specialism names and examples.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return NOT_UNDERSTOOD
    if isinstance(raw, str) and is_question_back(raw):
        return QUESTION_BACK
    parsed = PARSERS[slot](raw, today, content, reading, recognised_specialism)
    if parsed.problem and nearest is not None and isinstance(raw, str) and not raw.startswith("/"):
        value = nearest.value(slot, raw)
        if value is not None:
            parsed = Parsed(PARSERS[slot](value, today, content, reading, None).value, approximate=True)
    if parsed.value is None or not isinstance(raw, str):
        return parsed
    also = {name: value for name, value in also_answered(slot, parsed.value, raw).items() if name != slot}
    return Parsed(parsed.value, parsed.problem, parsed.question, parsed.approximate, also)


def also_answered(slot: str, value: Any, text: str) -> dict[str, Any]:
    """Answers to other questions in an answer: "yes, 2017" to has_phd gives the year too."""
    found: dict[str, Any] = {}
    if slot == "has_phd" and value == "yes":
        years = set(YEAR.findall(text))
        if len(years) == 1:
            found["phd_year"] = years.pop()
    match = WORK_PATTERN.search(text)
    if match and slot != "wte":
        found["wte"] = match.group(0)
    return found


def volunteered_answers(text: str, recognised_specialism: str | None, specialisms: tuple[str, ...]) -> dict[str, Any]:
    """Answers people give without being asked ("I'm an MRI physicist with a PhD from 2019").

    Only clear signals count: a recognised specialism, a PhD mention (and its year, if the
    message has exactly one), "no PhD", and an explicit registration phrase.
    """
    found: dict[str, Any] = {}
    if not isinstance(text, str):
        return found
    if recognised_specialism:
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
    elif _has(text, *LAPSED_PHRASES) and _has(text, "registration", "registered", "hcpc"):
        found["registration"] = "lapsed"
    elif _has(text, "clinical scientist") and _has(text, "registered", "hcpc", "i'm a", "i am a"):
        found["registration"] = "clinical_scientist"
    elif _has(text, "biomedical scientist") and _has(text, "registered", "hcpc", "i'm a", "i am a"):
        found["registration"] = "biomedical_scientist"
    return found


def corrected_answers(text: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answer a correction changes ("sorry, I meant 2016", "actually it's 4 days", "8 years not 4").

    Which question it corrects follows from what it says: a year corrects the PhD year (when a
    PhD was given), a working pattern the hours, a number of years the years at a senior level
    (when they were asked). Returns raw answers for parse_answer, or nothing if it is no correction.
    """
    if not isinstance(text, str) or not CORRECTION.search(text):
        return {}
    if answers.get("has_phd") == "yes" and YEAR.search(text):
        return {"phd_year": text}
    if WORK_PATTERN_IN_CORRECTION.search(text) and not re.search(r"\byears?\b", text, re.I):
        return {"wte": text}
    if answers.get("senior_years") is not None and _numbers(NOT_THIS_NUMBER.sub(" ", text)):
        return {"senior_years": text}
    return {}
