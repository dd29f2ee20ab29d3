"""The assistant's answers and the content every reply shares, loaded and checked. No Rasa import.

Content owners edit YAML under ``content/``: ``answers.yml`` (one answer per question intent),
``ipem_recommendations.yml``, ``official_domains.yml`` and ``interface.yml`` (the texts around
the answers). ``load_content`` turns them into typed objects and refuses content that breaks the
rules every answer must keep (an official https source, a review date, IPEM recommendations that
exist). Reply text is built from these objects in ``advisor.render``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.content_schema import (
    Source,
    is_text,
    one_line,
    parse_ipem_numbers,
    parse_review_date,
    parse_source,
    parse_sources,
    read_yaml,
    require,
)

# The texts in interface.yml that the replies around the answers use.
INTERFACE_TEXTS = (
    "topics_intro",
    "fallback_intro",
    "lost_track_intro",
    "route_check_button",
    "advice_intro",
    "advice_unusable",
    "advice_stopped",
    "advice_restarted",
    "restart_button",
    "topics_button",
)


@dataclass(frozen=True)
class IpemRecommendation:
    number: int
    text: str


@dataclass(frozen=True)
class Answer:
    intent: str
    topic: str
    text: str
    sources: tuple[Source, ...]
    last_reviewed: dt.date
    ipem_recommendations: tuple[int, ...]
    # Whether the answer ends with a button that starts the route advisor.
    offers_route_check: bool = False


@dataclass(frozen=True)
class Content:
    answers: dict[str, Answer]
    ipem_recommendations: dict[int, IpemRecommendation]
    ipem_source: Source
    official_domains: tuple[str, ...]
    interface: dict[str, str]

    def answer_for(self, intent: str | None) -> Answer | None:
        return self.answers.get(intent or "")


def _answer(
    intent: str,
    raw: Any,
    recommendations: Mapping[int, IpemRecommendation],
    official_domains: tuple[str, ...],
    today: dt.date,
) -> Answer:
    where = f"answers.yml: {intent}"
    require(isinstance(raw, Mapping), where, "an answer must be a mapping")
    topic, text = raw.get("topic"), raw.get("text")
    require(is_text(topic), where, "topic is missing")
    require(is_text(text), where, "text is missing")
    return Answer(
        intent=intent,
        topic=topic.strip(),
        text=text.strip(),
        sources=parse_sources(raw.get("sources"), where, official_domains),
        last_reviewed=parse_review_date(raw.get("last_reviewed"), where, today),
        ipem_recommendations=parse_ipem_numbers(raw.get("ipem_recommendations", []), where, recommendations),
        offers_route_check=raw.get("offers_route_check", False) is True,
    )


def load_content(directory: Path, today: dt.date) -> Content:
    """Read and check the answers and shared content in `directory`; raises ContentError naming the first problem."""
    domains_raw = read_yaml(directory / "official_domains.yml")
    require(
        isinstance(domains_raw, Mapping) and domains_raw.get("domains"),
        "official_domains.yml",
        "domains list is missing",
    )
    official_domains = tuple(str(domain).lower() for domain in domains_raw["domains"])

    ipem_raw = read_yaml(directory / "ipem_recommendations.yml")
    require(isinstance(ipem_raw, Mapping), "ipem_recommendations.yml", "must be a mapping")
    ipem_source = parse_source(ipem_raw.get("source"), "ipem_recommendations.yml", official_domains)
    parse_review_date(ipem_raw.get("last_reviewed"), "ipem_recommendations.yml", today)
    recommendations = {}
    for number, text in (ipem_raw.get("recommendations") or {}).items():
        require(is_text(text), "ipem_recommendations.yml", f"recommendation {number} has no text")
        recommendations[number] = IpemRecommendation(number=number, text=one_line(text))

    answers_raw = read_yaml(directory / "answers.yml")
    require(isinstance(answers_raw, Mapping) and answers_raw.get("answers"), "answers.yml", "no answers found")
    answers = {
        intent: _answer(intent, raw, recommendations, official_domains, today)
        for intent, raw in answers_raw["answers"].items()
    }
    interface_raw = read_yaml(directory / "interface.yml")
    require(isinstance(interface_raw, Mapping), "interface.yml", "must be a mapping of texts")
    for key in INTERFACE_TEXTS:
        require(is_text(interface_raw.get(key)), "interface.yml", f"{key} is missing")
    interface = {key: one_line(interface_raw[key]) for key in INTERFACE_TEXTS}
    return Content(answers, recommendations, ipem_source, official_domains, interface)
