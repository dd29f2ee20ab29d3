"""`make content-status`: every answer and advice text with its review-by date; exits 1 when any is past it.

A content owner runs it before a release (docs/content.md, "Review an answer"). The review-by date is
`last_reviewed` plus `review_every` (the item's own, or content/review.yml's default). CI does not run
it: `make test` checks only that the dates are well formed and not in the future, so that it does
not go red because the calendar moved.

Usage: python -m tools.content_status [--content content] [--today YYYY-MM-DD] [--all]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from advisor.content_schema import ContentError
from advisor.faq_content import load_content
from advisor.render import date_text
from advisor.review import ReviewItem, review_items
from advisor.route.content import load_route_content


def status_lines(items: list[ReviewItem], today: dt.date, show_all: bool) -> list[str]:
    overdue = [item for item in items if item.overdue(today)]
    lines = [f"{len(overdue)} of {len(items)} answers and advice texts are due for review (today {date_text(today)})."]
    for item in items if show_all else overdue:
        state = "DUE FOR REVIEW" if item.overdue(today) else "current"
        lines.append(
            f"- {state}: {item.kind} {item.id} ({item.title}), last reviewed {date_text(item.last_reviewed)}, "
            f"review by {date_text(item.due)}; edit {item.where}"
        )
    if overdue:
        lines.append("Check each against its sources, then set its last_reviewed to the day you checked it.")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--all", action="store_true", help="list every item, not only those due for review")
    args = parser.parse_args()
    try:
        content = load_content(args.content, args.today)
        route = load_route_content(args.content, args.today, content)
    except ContentError as problem:
        sys.exit(f"The content cannot be loaded: {problem}")
    items = review_items(content, route)
    print("\n".join(status_lines(items, args.today, args.all)))
    sys.exit(1 if any(item.overdue(args.today) for item in items) else 0)


if __name__ == "__main__":
    main()
