"""Which answers and advice texts are due for review: every item with its dates, for `make content-status`,
`make report` and the action server's start-up log. No Rasa import.

The dates come from content (advisor/faq_content.py, advisor/route/content.py): each item's
`last_reviewed` and `review_every` (its own, or content/review.yml's default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advisor.faq_content import Content
from advisor.route.content import RouteContent


@dataclass(frozen=True)
class ReviewItem:
    kind: str  # "answer" (content/questions/), "topic page" (answers.yml) or "advice" (route_advice.yml)
    id: str
    title: str
    where: str  # the file a content owner edits
    last_reviewed: dt.date
    due: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.due < today


def review_items(content: Content, route: RouteContent) -> list[ReviewItem]:
    """Every answer, topic page and advice text, soonest due first."""
    items = [
        ReviewItem("answer", answer.id, answer.question, f"content/questions/ ({answer.topic})", answer.last_reviewed,
                   answer.review_due)
        for answer in content.questions.values()
    ]  # fmt: skip
    items += [
        ReviewItem("topic page", page.intent, page.topic, "content/answers.yml", page.last_reviewed, page.review_due)
        for page in content.answers.values()
    ]
    items += [
        ReviewItem("advice", text.id, text.label, "content/route_advice.yml", text.last_reviewed, text.review_due)
        for text in route.advice.values()
    ]
    return sorted(items, key=lambda item: (item.due, item.kind, item.id))


def overdue_items(content: Content, route: RouteContent, today: dt.date) -> list[ReviewItem]:
    return [item for item in review_items(content, route) if item.overdue(today)]
