"""Spotting a message from someone who may be in crisis, so that every channel signposts help first. No Rasa import.

Two checks, either enough (high recall matters more than precision here: a false alarm costs
one kind message, a miss leaves someone without the NHS routes):

- phrases: regular expressions from content/crisis.yml ("kill myself", "end it all", ...),
  matched on the lower-cased text;
- meaning: the message's sentence vector (the MiniLM encoder the NLU uses) is at least
  `similarity` close to one of the crisis examples and closer to it than to every ordinary
  example, which is what keeps "this exam is killing me" out. Messages shorter than
  `meaning_min_words` are left to the phrases: the vector of one word ("stop", the route
  check's own command) says too little.

The content (reply, sources, phrases, examples) is data in content/crisis.yml; tests/heldout/distress.yml
measures the result (docs/security.md) and is never copied into that data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from advisor.content_schema import (
    ContentError,
    Source,
    is_text,
    one_line,
    parse_sources,
    read_yaml,
    require,
)

DEFAULT_CRISIS_PATH = "content/crisis.yml"
DEFAULT_OFFICIAL_DOMAINS_PATH = "content/official_domains.yml"

Embed = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class CrisisContent:
    reply: str
    urgent_help: tuple[str, ...]
    carry_on: str
    sources: tuple[Source, ...]
    phrases: tuple[re.Pattern, ...]
    crisis_examples: tuple[str, ...]
    ordinary_examples: tuple[str, ...]
    similarity: float
    meaning_min_words: int


def _texts(raw: object, where: str) -> tuple[str, ...]:
    require(isinstance(raw, list) and raw and all(is_text(item) for item in raw), where, "must be a list of texts")
    return tuple(str(item).strip() for item in raw)


def _phrases(raw: object) -> tuple[re.Pattern, ...]:
    phrases = []
    for pattern in _texts(raw, "crisis.yml phrases"):
        try:
            phrases.append(re.compile(pattern))
        except re.error as problem:
            raise ContentError(f"crisis.yml phrase {pattern!r} is not a regular expression: {problem}") from None
    return tuple(phrases)


def load_crisis(crisis_path: Path, official_domains_path: Path) -> CrisisContent:
    """Reads and checks content/crisis.yml; its sources must be on the official-domain list."""
    raw = read_yaml(Path(crisis_path))
    domains = tuple(read_yaml(Path(official_domains_path))["domains"])
    require(isinstance(raw, dict), "crisis.yml", "must be a mapping")
    for field in ("reply", "carry_on"):
        require(is_text(raw.get(field)), f"crisis.yml {field}", "must be a text")
    similarity = raw.get("similarity")
    require(isinstance(similarity, float) and 0 < similarity < 1, "crisis.yml similarity", "must be between 0 and 1")
    return CrisisContent(
        reply=one_line(raw["reply"]),
        urgent_help=_texts(raw.get("urgent_help"), "crisis.yml urgent_help"),
        carry_on=one_line(raw["carry_on"]),
        sources=parse_sources(raw.get("sources"), "crisis.yml sources", domains),
        phrases=_phrases(raw.get("phrases")),
        crisis_examples=_texts(raw.get("crisis_examples"), "crisis.yml crisis_examples"),
        ordinary_examples=_texts(raw.get("ordinary_examples"), "crisis.yml ordinary_examples"),
        similarity=similarity,
        meaning_min_words=int(raw.get("meaning_min_words", 1)),
    )


def normalised(text: str) -> str:
    """Lower case, curly apostrophes read as straight ones, runs of spaces as one."""
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def _unit_rows(vectors: list[np.ndarray]) -> np.ndarray:
    matrix = np.vstack(vectors).astype(np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


class DistressDetector:
    """`is_crisis(text)`; with `embed` (text to sentence vector) the meaning check runs too, else phrases only."""

    def __init__(self, content: CrisisContent, embed: Embed | None = None) -> None:
        self.content = content
        self.embed = embed
        if embed is not None:
            self._crisis = _unit_rows([embed(text) for text in content.crisis_examples])
            self._ordinary = _unit_rows([embed(text) for text in content.ordinary_examples])

    def phrase_match(self, text: str) -> bool:
        plain = normalised(text)
        return any(phrase.search(plain) for phrase in self.content.phrases)

    def meaning_match(self, text: str) -> bool:
        if self.embed is None or len(text.split()) < self.content.meaning_min_words:
            return False
        # The text as the NLU will see it, so that the encoding can be shared (the encoder ignores case).
        vector = _unit_rows([self.embed(text)])[0]
        nearest_crisis = float((self._crisis @ vector).max())
        nearest_ordinary = float((self._ordinary @ vector).max())
        return nearest_crisis >= self.content.similarity and nearest_crisis > nearest_ordinary

    def is_crisis(self, text: str) -> bool:
        return self.phrase_match(text) or self.meaning_match(text)
