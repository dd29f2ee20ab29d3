"""What every piece of content must keep, and the helpers that check it while it loads. No Rasa import.

Content owners edit YAML under ``content/``. The loaders (faq_content, route.content) read it
with these helpers and refuse anything the assistant must not show: a source that is not an
official https page, a missing or future review date, an IPEM recommendation that does not exist.

Every answer and advice text is due for review `review_every` after its `last_reviewed` date: its
own `review_every` when it has one, else the default in ``content/review.yml``. Past due it still
answers, and says so beside its date (advisor/render.py); `make content-status` lists it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


class ContentError(ValueError):
    """Content that must not be shown: the message names the file and the item."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


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


def is_number(value: Any) -> bool:
    """An int or a float, but not a bool (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def one_line(text: str) -> str:
    """Folded YAML text as one line: runs of whitespace, newlines included, become one space."""
    return " ".join(text.split())


def require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise ContentError(f"{where}: {problem}")


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path.name}: cannot be read ({error})") from error


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


def parse_ipem_numbers(raw: Any, where: str, known: Mapping[int, Any]) -> tuple[int, ...]:
    require(isinstance(raw, list), where, "ipem_recommendations must be a list of numbers")
    for number in raw:
        require(number in known, where, f"IPEM recommendation {number!r} does not exist")
    return tuple(raw)


REVIEW_FILE = "review.yml"
# "6 months", "1 year": how long an answer stays current after its review.
_PERIOD = re.compile(r"^(?P<count>[1-9][0-9]?) (?P<unit>months?|years?)\Z")


def parse_review_every(raw: Any, where: str) -> int:
    """A review period ("6 months", "1 year") as a number of months."""
    period = _PERIOD.match(str(raw).strip()) if isinstance(raw, str) else None
    require(period is not None, where, f'review_every must be a number of months or years, e.g. "6 months" ({raw!r})')
    return int(period["count"]) * (12 if period["unit"].startswith("year") else 1)


def default_review_every(directory: Path) -> int:
    """The review period every answer has unless it says otherwise: content/review.yml's review_every, in months."""
    raw = read_yaml(directory / REVIEW_FILE)
    require(isinstance(raw, Mapping) and "review_every" in raw, REVIEW_FILE, "review_every is missing")
    return parse_review_every(raw["review_every"], REVIEW_FILE)


def due_after(last_reviewed: dt.date, months: int) -> dt.date:
    """The date `months` after `last_reviewed` (the month's last day when it is shorter)."""
    month = last_reviewed.month - 1 + months
    year, month = last_reviewed.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(last_reviewed.day, calendar.monthrange(year, month)[1]))


def parse_review_date(raw: Any, where: str, today: dt.date, field: str = "last_reviewed") -> dt.date:
    require(
        isinstance(raw, dt.date) and not isinstance(raw, dt.datetime),
        where,
        f"{field} must be a date (YYYY-MM-DD)",
    )
    require(raw <= today, where, f"{field} {raw} is in the future")
    return raw
