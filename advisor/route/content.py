"""The route advisor's content: its dated parameters, the texts of its recommendations, its questions.

Content owners edit ``content/route_parameters.yml`` (the numbers the rules use, each keyed by
the date it takes effect, with its source and the date it was checked), ``content/route_advice.yml``
(label, reason, sources and basis of each recommendation), ``content/route_questions.yml`` (the
questions and their buttons) and ``content/specialisms.yml`` (each specialism with its theme).
This module loads them and refuses anything the advisor must not show: a recommendation without
an official source, a label or reason with a placeholder nothing fills, an IPEM recommendation
that does not exist, a parameter without a source, a check date or a dated value, a specialism
without a known theme. No Rasa import.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.content_schema import (
    ContentError,
    Source,
    due_after,
    is_number,
    is_text,
    one_line,
    parse_ipem_numbers,
    parse_review_date,
    parse_review_every,
    parse_source,
    parse_sources,
    read_yaml,
    require,
)
from advisor.faq_content import Content

# Placeholders a label or reason may use that come from the person's answers (advisor.render fills
# them); every parameter name in route_parameters.yml may be used too.
ANSWER_PLACEHOLDERS = ("specialism", "theme", "phd_year", "wte", "senior_years", "start")
BASES = ("policy", "ipem")
RADIATION = ("ionising", "mr")


@dataclass(frozen=True)
class Parameter:
    """A number the rules use, with the value that applies from each date on (OpenFisca style)."""

    name: str
    values: tuple[tuple[dt.date, int | float], ...]  # (takes effect, value), oldest first
    meaning: str
    source: Source
    checked: dt.date

    def on(self, date: dt.date) -> int | float:
        """The value in effect on `date`: the latest one that took effect on or before it."""
        in_effect = [value for start, value in self.values if start <= date]
        if not in_effect:
            raise ContentError(f"route_parameters.yml: {self.name} has no value before {self.values[0][0]}")
        return in_effect[-1]


@dataclass(frozen=True)
class Specialism:
    name: str
    theme: str  # a key of the themes in specialisms.yml
    radiation: frozenset[str]  # "ionising", "mr"
    competitive: bool
    button: str | None
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class AdviceText:
    id: str
    label: str
    basis: str
    reason: str
    sources: tuple[Source, ...]
    ipem_recommendations: tuple[int, ...]
    last_reviewed: dt.date  # its own, or route_advice.yml's
    review_every: int  # months: its own, or content/review.yml's

    @property
    def review_due(self) -> dt.date:
        return due_after(self.last_reviewed, self.review_every)


@dataclass(frozen=True)
class Question:
    slot: str
    text: str
    buttons: tuple[tuple[str, str], ...]  # (title, value sent as the answer)


@dataclass(frozen=True)
class RouteContent:
    parameters: dict[str, Parameter]
    advice: dict[str, AdviceText]
    questions: dict[str, Question]
    closing_text: str
    closing_sources: tuple[Source, ...]
    last_reviewed: dt.date
    # The specialisms an answer may name: the canonical names in specialisms.yml, plus "other".
    specialisms: tuple[str, ...]
    specialism_details: dict[str, Specialism]
    themes: dict[str, str]  # key -> name people read ("life_sciences" -> "Life Sciences")

    def value(self, name: str, on: dt.date) -> int | float:
        return self.parameters[name].on(on)

    def values_on(self, date: dt.date) -> dict[str, int | float]:
        return {name: parameter.on(date) for name, parameter in self.parameters.items()}

    def full_time_hours(self, on: dt.date) -> float:
        """Hours in a full-time week, from NSHCS's minimum stated both ways (0.6 WTE = 22.5 hours)."""
        return self.value("ltft_minimum_hours_per_week", on) / self.value("ltft_minimum_wte", on)

    def specialism(self, name: str | None) -> Specialism | None:
        """The details of a canonical specialism name; None for "other" or no answer."""
        return self.specialism_details.get(name or "")

    def specialism_named(self, text: str) -> str | None:
        """The canonical name for a name or synonym as typed (ignoring case and spaces around it)."""
        wanted = " ".join(text.lower().split())
        for name, details in self.specialism_details.items():
            if wanted in (name.lower(), *(synonym.lower() for synonym in details.synonyms)):
                return name
        return "other" if wanted == "other" else None


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _parameter(name: str, raw: Any, official_domains: tuple[str, ...], today: dt.date) -> Parameter:
    where = f"route_parameters.yml: {name}"
    require(isinstance(raw, Mapping), where, "a parameter needs values, meaning, source and checked")
    dated = raw.get("values")
    require(isinstance(dated, Mapping) and dated, where, "values must map the date each value takes effect to it")
    for start, value in dated.items():
        require(isinstance(start, dt.date), where, f"values: {start!r} is not a date (YYYY-MM-DD)")
        require(is_number(value) and value > 0, where, f"values: {start} must be a positive number")
    require(is_text(raw.get("meaning")), where, "meaning is missing")
    return Parameter(
        name=name,
        values=tuple(sorted(dated.items())),
        meaning=one_line(raw["meaning"]),
        source=parse_source(raw.get("source"), where, official_domains),
        checked=parse_review_date(raw.get("checked"), where, today, field="checked"),
    )


def _advice(
    advice_id: str, raw: Any, content: Content, allowed_placeholders: set[str], reviewed: dt.date, today: dt.date
) -> AdviceText:
    where = f"route_advice.yml: {advice_id}"
    require(isinstance(raw, Mapping), where, "a recommendation must be a mapping")
    require(is_text(raw.get("label")), where, "label is missing")
    require(is_text(raw.get("reason")), where, "reason is missing")
    require(raw.get("basis") in BASES, where, f"basis must be one of {', '.join(BASES)}")
    label, reason = raw["label"].strip(), one_line(raw["reason"])
    unknown = (_placeholders(label) | _placeholders(reason)) - allowed_placeholders
    require(not unknown, where, f"label or reason uses placeholders nothing fills: {', '.join(sorted(unknown))}")
    return AdviceText(
        id=advice_id,
        label=label,
        basis=raw["basis"],
        reason=reason,
        sources=parse_sources(raw.get("sources"), where, content.official_domains),
        ipem_recommendations=parse_ipem_numbers(
            raw.get("ipem_recommendations", []), where, content.ipem_recommendations
        ),
        last_reviewed=parse_review_date(raw["last_reviewed"], where, today) if "last_reviewed" in raw else reviewed,
        review_every=parse_review_every(raw["review_every"], where) if "review_every" in raw else content.review_every,
    )


def _question(slot: str, raw: Any) -> Question:
    where = f"route_questions.yml: {slot}"
    require(isinstance(raw, Mapping) and is_text(raw.get("text")), where, "text is missing")
    buttons = raw.get("buttons", [])
    require(isinstance(buttons, list), where, "buttons must be a list")
    for button in buttons:
        require(
            isinstance(button, Mapping) and is_text(button.get("title")) and is_text(button.get("value")),
            where,
            "each button needs a title and a value",
        )
    return Question(slot, one_line(raw["text"]), tuple((b["title"], b["value"]) for b in buttons))


def _specialisms(directory: Path) -> tuple[dict[str, str], dict[str, Specialism]]:
    raw = read_yaml(directory / "specialisms.yml")
    require(isinstance(raw, Mapping), "specialisms.yml", "must be a mapping")
    themes, entries = raw.get("themes"), raw.get("specialisms")
    require(isinstance(themes, Mapping) and themes, "specialisms.yml", "no themes")
    require(isinstance(entries, Mapping) and entries, "specialisms.yml", "no specialisms")
    details = {}
    for name, entry in entries.items():
        where = f"specialisms.yml: {name}"
        require(isinstance(entry, Mapping) and entry.get("theme") in themes, where, "theme must be one of themes")
        radiation = entry.get("radiation", [])
        require(isinstance(radiation, list) and set(radiation) <= set(RADIATION), where, "radiation: ionising, mr")
        synonyms = entry.get("synonyms", [])
        require(isinstance(synonyms, list) and all(is_text(each) for each in synonyms), where, "synonyms: a list")
        require(entry.get("button") is None or is_text(entry["button"]), where, "button must be a title")
        details[name] = Specialism(
            name, entry["theme"], frozenset(radiation), entry.get("competitive") is True, entry.get("button"),
            tuple(str(each) for each in synonyms),
        )  # fmt: skip
    return dict(themes), details


def load_route_content(directory: Path, today: dt.date, content: Content) -> RouteContent:
    """Read and check the advisor's parameters and texts; raises ContentError naming the first problem.

    `content` is the already-loaded shared content of `directory` (IPEM recommendations, official
    domains), so that it is read and checked once.
    """
    parameters_raw = read_yaml(directory / "route_parameters.yml")
    require(isinstance(parameters_raw, Mapping) and parameters_raw, "route_parameters.yml", "no parameters found")
    parameters = {name: _parameter(name, raw, content.official_domains, today) for name, raw in parameters_raw.items()}
    advice_raw = read_yaml(directory / "route_advice.yml")
    require(isinstance(advice_raw, Mapping), "route_advice.yml", "must be a mapping")
    recommendations = advice_raw.get("recommendations")
    require(isinstance(recommendations, Mapping) and recommendations, "route_advice.yml", "no recommendations")
    allowed = set(ANSWER_PLACEHOLDERS) | set(parameters)
    reviewed = parse_review_date(advice_raw.get("last_reviewed"), "route_advice.yml", today)
    advice = {
        advice_id: _advice(advice_id, raw, content, allowed, reviewed, today)
        for advice_id, raw in recommendations.items()
    }
    questions_raw = read_yaml(directory / "route_questions.yml")
    require(isinstance(questions_raw, Mapping) and questions_raw, "route_questions.yml", "no questions found")
    questions = {slot: _question(slot, raw) for slot, raw in questions_raw.items()}
    themes, specialism_details = _specialisms(directory)
    if "specialism" in questions:
        # The specialism buttons are the ones specialisms.yml marks, so the list lives in one place.
        shown = tuple((each.button, each.name) for each in specialism_details.values() if each.button)
        questions["specialism"] = Question("specialism", questions["specialism"].text, (*shown, ("Other", "other")))
    closing = advice_raw.get("closing")
    require(
        isinstance(closing, Mapping) and is_text(closing.get("text")), "route_advice.yml: closing", "text is missing"
    )
    return RouteContent(
        parameters=parameters,
        advice=advice,
        questions=questions,
        closing_text=one_line(closing["text"]),
        closing_sources=parse_sources(closing.get("sources"), "route_advice.yml: closing", content.official_domains),
        last_reviewed=reviewed,
        specialisms=(*specialism_details, "other"),
        specialism_details=specialism_details,
        themes=themes,
    )
