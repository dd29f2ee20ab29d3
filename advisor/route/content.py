"""The route advisor's content: its dated parameters, the texts of its recommendations, its questions.

Content owners edit ``content/route_parameters.yml`` (the numbers the rules use, each with its
source and the date it was checked), ``content/route_advice.yml`` (label, reason, sources and
basis of each recommendation), ``content/route_questions.yml`` (the questions and their
buttons) and the specialisms in ``content/terms.yml``. This module loads them and refuses
anything the advisor must not show: a recommendation without an official source, a reason with
a placeholder nothing fills, an IPEM recommendation that does not exist, a parameter without a
source or a check date. No Rasa import.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.content_schema import (
    Source,
    is_number,
    is_text,
    one_line,
    parse_ipem_numbers,
    parse_review_date,
    parse_source,
    parse_sources,
    read_yaml,
    require,
)
from advisor.faq_content import Content

# Placeholders a reason may use that come from the person's answers (advisor.render fills them);
# every parameter name in route_parameters.yml may be used too.
ANSWER_PLACEHOLDERS = ("specialism", "phd_year", "wte", "consultant_years", "end_years")
BASES = ("policy", "ipem")


@dataclass(frozen=True)
class Parameter:
    name: str
    value: int | float
    meaning: str
    source: Source
    checked: dt.date


@dataclass(frozen=True)
class AdviceText:
    id: str
    label: str
    basis: str
    reason: str
    sources: tuple[Source, ...]
    ipem_recommendations: tuple[int, ...]


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
    # The specialisms an answer may name: the canonical names in terms.yml, plus "other".
    specialisms: tuple[str, ...]

    def value(self, name: str) -> int | float:
        return self.parameters[name].value

    @property
    def full_time_hours(self) -> float:
        """Hours in a full-time week, from NSHCS's minimum stated both ways (0.6 WTE = 22.5 hours)."""
        return self.value("ltft_minimum_hours_per_week") / self.value("ltft_minimum_wte")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _parameter(name: str, raw: Any, official_domains: tuple[str, ...], today: dt.date) -> Parameter:
    where = f"route_parameters.yml: {name}"
    require(isinstance(raw, Mapping), where, "a parameter needs value, meaning, source and checked")
    value = raw.get("value")
    require(
        is_number(value) and value > 0,
        where,
        "value must be a positive number",
    )
    require(is_text(raw.get("meaning")), where, "meaning is missing")
    return Parameter(
        name=name,
        value=value,
        meaning=one_line(raw["meaning"]),
        source=parse_source(raw.get("source"), where, official_domains),
        checked=parse_review_date(raw.get("checked"), where, today, field="checked"),
    )


def _advice(advice_id: str, raw: Any, content: Content, allowed_placeholders: set[str]) -> AdviceText:
    where = f"route_advice.yml: {advice_id}"
    require(isinstance(raw, Mapping), where, "a recommendation must be a mapping")
    require(is_text(raw.get("label")), where, "label is missing")
    require(is_text(raw.get("reason")), where, "reason is missing")
    require(raw.get("basis") in BASES, where, f"basis must be one of {', '.join(BASES)}")
    reason = one_line(raw["reason"])
    unknown = _placeholders(reason) - allowed_placeholders
    require(not unknown, where, f"reason uses placeholders nothing fills: {', '.join(sorted(unknown))}")
    return AdviceText(
        id=advice_id,
        label=raw["label"].strip(),
        basis=raw["basis"],
        reason=reason,
        sources=parse_sources(raw.get("sources"), where, content.official_domains),
        ipem_recommendations=parse_ipem_numbers(
            raw.get("ipem_recommendations", []), where, content.ipem_recommendations
        ),
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


def _specialisms(directory: Path) -> tuple[str, ...]:
    terms = read_yaml(directory / "terms.yml")
    require(isinstance(terms, Mapping) and isinstance(terms.get("specialism"), Mapping), "terms.yml", "no specialisms")
    return (*terms["specialism"], "other")


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
    advice = {advice_id: _advice(advice_id, raw, content, allowed) for advice_id, raw in recommendations.items()}
    questions_raw = read_yaml(directory / "route_questions.yml")
    require(isinstance(questions_raw, Mapping) and questions_raw, "route_questions.yml", "no questions found")
    questions = {slot: _question(slot, raw) for slot, raw in questions_raw.items()}
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
        last_reviewed=parse_review_date(advice_raw.get("last_reviewed"), "route_advice.yml", today),
        specialisms=_specialisms(directory),
    )
