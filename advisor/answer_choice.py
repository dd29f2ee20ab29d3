"""Which question-level answer to give, from the answer selector's ranking. No Rasa import.

The NLU's answer selector (rasa_server/nlu/answer_selector.py) ranks every answer in
content/questions/ for a message. Here the ranking becomes one of three replies: the answer,
when one candidate is clearly ahead; "Did you mean..." with the top three, when candidates are
close or below the threshold; the topic list, when nothing is near. A short follow-up ("and
what does it cost?") is read against the answer given last: candidates under the same topic,
or about the same thing under another topic (hssr.fee after hsse.fee), count for more.
The thresholds were set on the answers' own examples (docs/nlu.md), not on the held-out set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.faq_content import Content

# Answer straight away when the best candidate has at least this confidence and is at least
# MARGIN times as likely as the next one.
ANSWER_CONFIDENCE = 0.30
MARGIN = 1.5
# Below this nothing is near: list the topics instead of offering guesses.
NEAR_CONFIDENCE = 0.08
DID_YOU_MEAN = 3
# A message this short, after an answer, may lean on that answer.
FOLLOW_UP_MAX_WORDS = 6
# How much a follow-up's candidate gains from sharing the last answer's topic, or its subject
# under another topic (the part of the id after the dot, e.g. "fee").
SAME_TOPIC_WEIGHT = 3.0
SAME_SUBJECT_WEIGHT = 3.0
# The topic intent's confidence weighs in, so that an answer under the topic the intent
# classifier is sure of is preferred over a close one elsewhere.
TOPIC_PRIOR_WEIGHT = 1.0


@dataclass(frozen=True)
class Choice:
    kind: str  # "answer", "did_you_mean" or "topics"
    answer_id: str | None = None
    candidates: tuple[str, ...] = ()


def is_follow_up(text: str) -> bool:
    return 0 < len(re.findall(r"\w+", text)) <= FOLLOW_UP_MAX_WORDS


def subject(answer_id: str) -> str:
    return answer_id.split(".", 1)[-1]


def scored_candidates(
    ranking: Sequence[Mapping[str, Any]],
    content: Content,
    topic_confidence: Mapping[str, float],
    last_answer: str | None,
    text: str,
) -> list[tuple[str, float]]:
    """The ranking's known answers with their weighted scores, best first.

    A score is the selector's confidence, times the topic intent's agreement (1 when the
    intent classifier is sure of the answer's topic, less otherwise), times the follow-up
    weights; the thresholds below apply to it.
    """
    last = content.question_for(last_answer)
    follow_up = last is not None and is_follow_up(text)
    scores = []
    for candidate in ranking:
        answer = content.question_for(candidate.get("id"))
        if answer is None:
            continue  # an answer the model knows but content no longer has: never offered
        score = float(candidate.get("confidence", 0.0))
        if not follow_up:
            # A follow-up's topic intent is read without its context ("what does it cost?" looks
            # like a pay question), so it does not weigh in there.
            score *= (1.0 + TOPIC_PRIOR_WEIGHT * topic_confidence.get(answer.topic, 0.0)) / (1.0 + TOPIC_PRIOR_WEIGHT)
        # The last answer itself counts as under its own topic: a question asked again (or
        # reworded) after its answer is answered again, not met with "did you mean" among its siblings.
        elif answer.topic == last.topic:
            score *= SAME_TOPIC_WEIGHT
        elif subject(answer.id) == subject(last.id):
            score *= SAME_SUBJECT_WEIGHT
        scores.append((answer.id, score))
    if follow_up:
        # A short follow-up spreads the selector's confidence thin; what decides it is its share
        # among the nearest candidates once the context has weighed in.
        total = sum(score for _, score in scores) or 1.0
        scores = [(answer_id, score / total) for answer_id, score in scores]
    return sorted(scores, key=lambda item: -item[1])


def choose(
    ranking: Sequence[Mapping[str, Any]],
    content: Content,
    topic_confidence: Mapping[str, float] | None = None,
    last_answer: str | None = None,
    text: str = "",
) -> Choice:
    """Answer, ask, or list the topics, from the answer selector's ranking of this message."""
    candidates = scored_candidates(ranking, content, topic_confidence or {}, last_answer, text)
    if not candidates or candidates[0][1] < NEAR_CONFIDENCE:
        return Choice("topics")
    (best, best_score), *rest = candidates
    runner_up = rest[0][1] if rest else 0.0
    if best_score >= ANSWER_CONFIDENCE and best_score >= MARGIN * runner_up:
        return Choice("answer", answer_id=best)
    return Choice("did_you_mean", candidates=tuple(answer_id for answer_id, _ in candidates[:DID_YOU_MEAN]))
