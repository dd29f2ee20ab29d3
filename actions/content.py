"""The assistant's answers as data: loading, checking and rendering.

Content owners edit YAML under ``content/``; this module turns it into typed
objects and refuses content that breaks the rules every answer must keep
(an official https source, a review date, IPEM recommendations that exist).
It has no Rasa import, so tests and other tools can use it on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

# The texts in interface.yml that introduce the topic list.
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


# How IPEM's recommendations are labelled after an FAQ answer.
IPEM_PROPOSAL = "IPEM's proposal from its HSST survey, not current NSHCS policy"


class ContentError(ValueError):
    """Content that must not be shown: the message names the file and the answer."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


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


def is_official_url(url: str, official_domains: tuple[str, ...]) -> bool:
    """True for a well-formed https URL on an official domain or one of its subdomains."""
    if not isinstance(url, str) or any(ch.isspace() for ch in url):
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return (
        parts.scheme == "https"
        and bool(host)
        and any(host == domain or host.endswith("." + domain) for domain in official_domains)
    )


def is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise ContentError(f"{where}: {problem}")


def parse_source(raw: Any, where: str, official_domains: tuple[str, ...]) -> Source:
    require(isinstance(raw, Mapping), where, "a source needs a title and a url")
    title, url = raw.get("title"), raw.get("url")
    require(is_text(title), where, "a source has no title")
    require(
        is_official_url(url, official_domains),
        where,
        f"source URL {url!r} is not a well-formed https link on an official domain ({', '.join(official_domains)})",
    )
    return Source(title=title.strip(), url=url)


def parse_sources(raw: Any, where: str, official_domains: tuple[str, ...]) -> tuple[Source, ...]:
    require(isinstance(raw, list) and len(raw) > 0, where, "needs at least one source")
    return tuple(parse_source(source, where, official_domains) for source in raw)


def parse_ipem_numbers(raw: Any, where: str, recommendations: Mapping[int, IpemRecommendation]) -> tuple[int, ...]:
    require(isinstance(raw, list), where, "ipem_recommendations must be a list of numbers")
    for number in raw:
        require(number in recommendations, where, f"IPEM recommendation {number!r} does not exist")
    return tuple(raw)


def parse_review_date(raw: Any, where: str, today: dt.date, field: str = "last_reviewed") -> dt.date:
    require(
        isinstance(raw, dt.date) and not isinstance(raw, dt.datetime),
        where,
        f"{field} must be a date (YYYY-MM-DD)",
    )
    require(raw <= today, where, f"{field} {raw} is in the future")
    return raw


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


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path.name}: cannot be read ({error})") from error


def load_content(directory: Path = CONTENT_DIR, today: dt.date | None = None) -> Content:
    """Read and check all content; raises ContentError naming the first problem."""
    today = today or dt.date.today()
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
        require(
            is_text(text),
            "ipem_recommendations.yml",
            f"recommendation {number} has no text",
        )
        recommendations[number] = IpemRecommendation(number=number, text=" ".join(text.split()))

    answers_raw = read_yaml(directory / "answers.yml")
    require(isinstance(answers_raw, Mapping) and answers_raw.get("answers"), "answers.yml", "no answers found")
    answers = {
        intent: _answer(intent, raw, recommendations, official_domains, today)
        for intent, raw in answers_raw["answers"].items()
    }
    interface_raw = read_yaml(directory / "interface.yml")
    require(isinstance(interface_raw, Mapping), "interface.yml", "must be a mapping of texts")
    for key in INTERFACE_TEXTS:
        require(
            is_text(interface_raw.get(key)),
            "interface.yml",
            f"{key} is missing",
        )
    interface = {key: " ".join(interface_raw[key].split()) for key in INTERFACE_TEXTS}
    return Content(answers, recommendations, ipem_source, official_domains, interface)


def ipem_notes(numbers: tuple[int, ...], content: Content, mark: str) -> list[str]:
    """IPEM's recommendations by number, each labelled with `mark` so no one takes them for policy."""
    return [f"IPEM recommendation {number} ({mark}): {content.ipem_recommendations[number].text}" for number in numbers]


def with_ipem_source(sources: tuple[Source, ...], numbers: tuple[int, ...], content: Content) -> list[Source]:
    """The sources, plus IPEM's page when IPEM recommendations are cited and it is not there already."""
    return [*sources, content.ipem_source] if numbers and content.ipem_source not in sources else list(sources)


def render_answer(answer: Answer, content: Content) -> str:
    """The full reply: our answer, IPEM's recommendations marked as such, sources, review date."""
    parts = [answer.text, *ipem_notes(answer.ipem_recommendations, content, IPEM_PROPOSAL)]
    sources = with_ipem_source(answer.sources, answer.ipem_recommendations, content)
    parts.append("Sources:\n" + "\n".join(f"- {source.title}: {source.url}" for source in sources))
    parts.append(f"Last reviewed: {answer.last_reviewed:%-d %B %Y}. Policies change, so check the linked pages.")
    return "\n\n".join(parts)
