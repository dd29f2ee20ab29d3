"""Feedback on an answer: what a "Helpful" / "Not helpful" button sends, and what is kept of it. No Rasa import.

Every factual answer (a question-level answer, a topic page) and the route advice end with the two
buttons (advisor/render.py). A press sends `/feedback{"answer_id": "hsse.what_is", "helpful": true}`;
the feedback action keeps it in the conversation as slot events (no other database), which is
where `make report` (tools/report.py) reads it:

- `feedback_answer_id` and `feedback_helpful`, set together, for every press;
- `feedback_comment_for`, set to the answer id when "Not helpful" asks "What was missing?";
- `feedback_comment`, {"answer_id": ..., "text": ...}, when the next message was the answer to that.

The follow-up never traps anyone: only the message right after the question can be the comment,
and only when the assistant has nothing to answer it with (comment_pending, is_comment).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from advisor.faq_content import Content

INTENT = "feedback"
# The id the route advice's feedback names (the advice as a whole; its recommendations have their own ids).
ROUTE_ADVICE_ID = "route_advice"
ANSWER_SLOT = "feedback_answer_id"
HELPFUL_SLOT = "feedback_helpful"
COMMENT_FOR_SLOT = "feedback_comment_for"
COMMENT_SLOT = "feedback_comment"
SLOTS = (ANSWER_SLOT, HELPFUL_SLOT, COMMENT_FOR_SLOT, COMMENT_SLOT)
# What an answer id looks like in a payload: a topic intent, a question id ("hsse.what_is") or route_advice.
ANSWER_ID_SHAPE = re.compile(r"^[a-z0-9_.]{1,80}\Z")
# A comment is kept as text; longer ones are cut (the message checks already limit a message's length).
MAX_COMMENT_CHARS = 500


def payload_problem(entities: Any) -> str | None:
    """Why a feedback payload's entities are unusable (None when they are an answer id and a yes/no)."""
    if not isinstance(entities, dict) or set(entities) != {"answer_id", "helpful"}:
        return "feedback names an answer_id and whether it was helpful"
    if not isinstance(entities["answer_id"], str) or not ANSWER_ID_SHAPE.match(entities["answer_id"]):
        return "answer_id must be an answer's id"
    if not isinstance(entities["helpful"], bool):
        return "helpful must be true or false"
    return None


def is_known(answer_id: str, content: Content) -> bool:
    """Whether `answer_id` names something the assistant answers with today."""
    return answer_id in content.questions or answer_id in content.answers or answer_id == ROUTE_ADVICE_ID


def comment_pending(events: Sequence[dict[str, Any]]) -> str | None:
    """The answer id "What was missing?" was asked about, if it was asked just before the latest message."""
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if len(users) < 2:
        return None
    between = events[users[-2] : users[-1]]
    asked = [
        event.get("value") for event in between if (event.get("event"), event.get("name")) == ("slot", COMMENT_FOR_SLOT)
    ]
    return asked[-1] if asked and isinstance(asked[-1], str) else None


def is_comment(text: str, answered: bool, question: bool) -> bool:
    """Whether a message after "What was missing?" is the comment: not phrased as a question
    (message_checks.looks_like_question), not a command, and nothing answers it."""
    return not answered and not question and not text.startswith("/")


def comment_value(answer_id: str, text: str) -> dict[str, str]:
    return {"answer_id": answer_id, "text": " ".join(text.split())[:MAX_COMMENT_CHARS]}
