"""Typed-answer reading accuracy (`make evaluate`, a few seconds): a report, not a test.

Reads every answer in tests/heldout/typed_answers.yml (written before the reader was tuned,
never used to tune it) as the route advisor reads it, once with the plain rules alone and once
with the nearest labelled example (the MiniLM encoder) where they stop, and reports per question
the share read as expected. Writes results/route_reading.md and results/route_reading.json.

Usage: python -m tools.evaluate_route_reading [--misses]   (--misses also lists the misreadings)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from advisor.faq_content import load_content
from advisor.route.answers import (
    UNSURE,
    NearestExamples,
    Parsed,
    ReadingContent,
    load_reading_content,
    parse_answer,
)
from advisor.route.content import RouteContent, load_route_content
from advisor.route.profile import QUESTION_ORDER
from rasa_server.nlu.sentence_encoder import SentenceEncoder

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "heldout" / "typed_answers.yml"
RESULTS = ROOT / "results"
# The day the held-out set's expectations were written for ("next year" is 2027).
TODAY = dt.date(2026, 12, 1)


def reading_of(parsed: Parsed, slot: str, route: RouteContent) -> Any:
    """What a reading comes to, in the held-out set's terms: a value, unsure, question or none."""
    if parsed.question:
        return "question"
    if parsed.problem or parsed.value is None:
        return "none"
    if slot == "specialism" and parsed.value not in route.specialisms and parsed.value != UNSURE:
        return "other"  # a name not on the list, kept as typed
    return parsed.value


def is_expected(item: dict, parsed: Parsed, slot: str, route: RouteContent, reading: ReadingContent) -> bool:
    got = reading_of(parsed, slot, route)
    expected = item["expect"]
    same = got == expected or (isinstance(expected, int | float) and isinstance(got, int | float) and got == expected)
    for other, value in (item.get("also") or {}).items():
        raw = parsed.also.get(other)
        also = parse_answer(other, raw, TODAY, route, reading) if raw is not None else None
        same = same and also is not None and also.value == value
    return same


def evaluate(heldout: dict, route: RouteContent, reading: ReadingContent, nearest: NearestExamples | None) -> dict:
    """Per question: answers, read as expected, and the misreadings (text, expected, got)."""
    scores = {}
    for slot in QUESTION_ORDER:
        items = heldout.get(slot) or []
        misses = []
        for item in items:
            parsed = parse_answer(slot, item["text"], TODAY, route, reading, None, nearest)
            if not is_expected(item, parsed, slot, route, reading):
                misses.append(
                    {"text": item["text"], "expected": item["expect"], "got": reading_of(parsed, slot, route)}
                )
        scores[slot] = {"answers": len(items), "correct": len(items) - len(misses), "misses": misses}
    return scores


def table(rules: dict, with_nearest: dict) -> str:
    lines = [
        "| question | answers | plain rules | + nearest example |",
        "|---|---|---|---|",
    ]
    for slot in QUESTION_ORDER:
        if not with_nearest[slot]["answers"]:
            continue
        n = with_nearest[slot]["answers"]
        lines.append(f"| {slot} | {n} | {rules[slot]['correct'] / n:.0%} | {with_nearest[slot]['correct'] / n:.0%} |")
    total = sum(score["answers"] for score in with_nearest.values())
    plain = sum(score["correct"] for score in rules.values())
    nearest = sum(score["correct"] for score in with_nearest.values())
    lines.append(f"| **all** | {total} | {plain / total:.0%} | {nearest / total:.0%} |")
    return "\n".join(lines)


def shipped_reading() -> tuple[RouteContent, ReadingContent]:
    """Content as it is checked today (its review dates are today's, not the held-out set's TODAY; a review after
    TODAY is not in the future), for reading answers as of TODAY."""
    content_dir = ROOT / "content"
    content = load_content(content_dir, dt.date.today())
    return load_route_content(content_dir, dt.date.today(), content), load_reading_content(
        content_dir, tuple(content.answers)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="also list the answers read wrongly")
    args = parser.parse_args()
    route, reading = shipped_reading()
    encoder = SentenceEncoder(ROOT / "build" / "minilm")
    nearest = NearestExamples(reading, lambda text: encoder.encode(text).sentence_vector())
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    rules = evaluate(heldout, route, reading, None)
    with_nearest = evaluate(heldout, route, reading, nearest)
    report = table(rules, with_nearest)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "route_reading.md").write_text(report + "\n", encoding="utf-8")
    (RESULTS / "route_reading.json").write_text(
        json.dumps({"plain_rules": rules, "with_nearest": with_nearest}, indent=2, default=str), encoding="utf-8"
    )
    print("Typed answers read as expected (tests/heldout/typed_answers.yml):")
    print(report)
    if args.misses:
        for slot, score in with_nearest.items():
            for miss in score["misses"]:
                print(f"  {slot}: {miss['text']!r} expected {miss['expected']!r}, read {miss['got']!r}")


if __name__ == "__main__":
    main()
