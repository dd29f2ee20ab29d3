"""The assistant's answers and the content every reply shares, loaded and checked. No Rasa import.

Content owners edit YAML under ``content/``: ``answers.yml`` (one topic page per question intent),
``questions/`` (the answers to single questions, one file per topic, and the pages they cite),
``ipem_recommendations.yml``, ``official_domains.yml`` and ``interface.yml`` (the texts around
the answers). ``load_content`` turns them into typed objects and refuses content that breaks the
rules every answer must keep (an official https source, a review date, IPEM recommendations that
exist). Reply text is built from these objects in ``advisor.render``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from advisor.content_schema import (
    Source,
    default_review_every,
    due_after,
    is_text,
    one_line,
    parse_ipem_numbers,
    parse_review_date,
    parse_review_every,
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
    "out_of_scope_reply",
    "route_check_button",
    "advice_intro",
    "advice_unusable",
    "advice_stopped",
    "advice_restarted",
    "restart_button",
    "topics_button",
    "did_you_mean_intro",
    "something_else_button",
    "more_on_button",
    "reviewed_line",
    "due_for_review",
    "helpful_button",
    "not_helpful_button",
    "feedback_thanks",
    "feedback_ask_missing",
    "feedback_comment_thanks",
    "feedback_unknown",
    "feedback_typed",
)

# What every question-level answer keeps to (docs/content.md): the direct answer fits the first
# message, the details stay short, and there are enough examples to find it by.
MAX_DIRECT_ANSWER_CHARS = 300
MAX_DETAILS = 3
MIN_EXAMPLES = 4
QUESTIONS_DIR = "questions"
SOURCES_FILE = "sources.yml"
NOT_ANSWERED_FILE = "not_answered.yml"


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
    review_every: int = 6  # months; load_content sets it from content/review.yml or the answer's own

    @property
    def review_due(self) -> dt.date:
        return due_after(self.last_reviewed, self.review_every)


@dataclass(frozen=True)
class QuestionAnswer:
    """The answer to one question a trainee asks, under one topic page."""

    id: str
    topic: str  # the intent of its topic page in answers.yml
    question: str
    examples: tuple[str, ...]
    answer: str
    details: tuple[str, ...]
    sources: tuple[Source, ...]
    last_reviewed: dt.date
    ipem_recommendations: tuple[int, ...]
    facts: tuple[str, ...]  # the facts.md sections it draws on (docs/content.md's coverage table)
    review_every: int = 6  # months; load_content sets it from content/review.yml or the answer's own
    # Ids of answers merged into this one: a button from an older reply, or a held-out question,
    # that names one gets this answer.
    replaces: tuple[str, ...] = ()

    @property
    def review_due(self) -> dt.date:
        return due_after(self.last_reviewed, self.review_every)

    @property
    def phrasings(self) -> tuple[str, ...]:
        """How it is asked: its question and examples, the texts the answer selector and intent classifier learn."""
        return (self.question, *self.examples)

    @cached_property
    def words(self) -> str:
        """Its own text in lower case, what it says and what it is asked as (answer_choice reads it)."""
        return " ".join((*self.phrasings, self.answer, *self.details)).lower()

    @cached_property
    def words_before_details(self) -> str:
        """What it is asked as and its direct answer, in lower case: what it is about, without the details'
        pointers elsewhere ("Wales is different: see the Wales answer")."""
        return " ".join((*self.phrasings, self.answer)).lower()


@dataclass(frozen=True)
class Content:
    answers: dict[str, Answer]
    ipem_recommendations: dict[int, IpemRecommendation]
    ipem_source: Source
    official_domains: tuple[str, ...]
    interface: dict[str, str]
    questions: dict[str, QuestionAnswer] = field(default_factory=dict)
    review_every: int = 6  # months: content/review.yml's default for every answer and advice text
    # Nation -> the names people type for it (route_reading.yml): answer_choice reads a question about
    # another nation ("a consultant post in Swansea") by them, as the route check reads where someone works.
    nation_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Questions near an answer's subject that no answer gives (not_answered.yml): the answer selector holds a
    # clear answer back when a message is much nearer one of them than any phrasing of that answer.
    not_answered: tuple[str, ...] = ()

    def answer_for(self, intent: str | None) -> Answer | None:
        return self.answers.get(intent or "")

    def question_for(self, answer_id: str | None) -> QuestionAnswer | None:
        """The answer with this id, or the one it was merged into (`replaces`)."""
        answer_id = answer_id or ""
        return self.questions.get(answer_id) or self.questions.get(self.replaced.get(answer_id, ""))

    @cached_property
    def replaced(self) -> dict[str, str]:
        """Each merged answer's old id, to the id of the answer that replaces it."""
        return {old: answer.id for answer in self.questions.values() for old in answer.replaces}


def _answer(
    intent: str,
    raw: Any,
    recommendations: Mapping[int, IpemRecommendation],
    official_domains: tuple[str, ...],
    today: dt.date,
    review_every: int,
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
        review_every=_review_every(raw, where, review_every),
    )


def _review_every(raw: Mapping, where: str, default: int) -> int:
    """An item's own review_every, or the default (content/review.yml)."""
    return parse_review_every(raw["review_every"], where) if "review_every" in raw else default


def _text_list(raw: Any, where: str, field_name: str) -> tuple[str, ...]:
    require(
        isinstance(raw, list) and all(is_text(item) for item in raw), where, f"{field_name} must be a list of texts"
    )
    return tuple(one_line(item) for item in raw)


def _question(
    raw: Any,
    topic: str,
    where: str,
    sources: Mapping[str, Source],
    recommendations: Mapping[int, IpemRecommendation],
    today: dt.date,
    review_every: int,
) -> QuestionAnswer:
    require(isinstance(raw, Mapping) and is_text(raw.get("id")), where, "each answer needs an id")
    where = f"{where}: {raw['id']}"
    require(is_text(raw.get("question")), where, "question is missing")
    require(is_text(raw.get("answer")), where, "answer is missing")
    answer = one_line(raw["answer"])
    require(
        len(answer) <= MAX_DIRECT_ANSWER_CHARS,
        where,
        f"the direct answer has {len(answer)} characters, more than {MAX_DIRECT_ANSWER_CHARS}",
    )
    examples = _text_list(raw.get("examples"), where, "examples")
    require(len(set(examples)) >= MIN_EXAMPLES, where, f"needs at least {MIN_EXAMPLES} different examples")
    details = _text_list(raw.get("details", []), where, "details")
    require(len(details) <= MAX_DETAILS, where, f"at most {MAX_DETAILS} details")
    keys = raw.get("sources")
    require(isinstance(keys, list) and len(keys) > 0, where, "needs at least one source")
    for key in keys:
        require(key in sources, where, f"source {key!r} is not in {QUESTIONS_DIR}/{SOURCES_FILE}")
    return QuestionAnswer(
        id=raw["id"].strip(),
        topic=topic,
        question=one_line(raw["question"]),
        examples=examples,
        answer=answer,
        details=details,
        sources=tuple(sources[key] for key in keys),
        last_reviewed=parse_review_date(raw.get("last_reviewed"), where, today),
        ipem_recommendations=parse_ipem_numbers(raw.get("ipem_recommendations", []), where, recommendations),
        facts=tuple(str(section) for section in raw.get("facts", [])),
        review_every=_review_every(raw, where, review_every),
        replaces=_text_list(raw.get("replaces", []), where, "replaces"),
    )


def load_questions(
    directory: Path,
    topics: Mapping[str, Answer],
    official_domains: tuple[str, ...],
    recommendations: Mapping[int, IpemRecommendation],
    today: dt.date,
    review_every: int,
) -> dict[str, QuestionAnswer]:
    """The question-level answers in `directory`/questions/, by id, in file then answer order."""
    folder = directory / QUESTIONS_DIR
    sources_raw = read_yaml(folder / SOURCES_FILE)
    require(isinstance(sources_raw, Mapping) and sources_raw.get("sources"), SOURCES_FILE, "no sources found")
    sources = {
        key: parse_source(raw, f"{SOURCES_FILE}: {key}", official_domains)
        for key, raw in sources_raw["sources"].items()
    }
    questions: dict[str, QuestionAnswer] = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name == SOURCES_FILE:
            continue
        where = f"{QUESTIONS_DIR}/{path.name}"
        raw = read_yaml(path)
        require(
            isinstance(raw, Mapping) and raw.get("topic") in topics, where, "topic must be an intent in answers.yml"
        )
        require(isinstance(raw.get("answers"), list) and raw["answers"], where, "no answers found")
        for item in raw["answers"]:
            question = _question(item, raw["topic"], where, sources, recommendations, today, review_every)
            require(question.id not in questions, where, f"answer id {question.id!r} is used twice")
            questions[question.id] = question
    replaced = [old for question in questions.values() for old in question.replaces]
    for old in replaced:
        require(old not in questions, QUESTIONS_DIR, f"{old!r} is replaced by another answer but still an answer")
        require(replaced.count(old) == 1, QUESTIONS_DIR, f"{old!r} is replaced by two answers")
    return questions


def nation_names_from(route_reading: Any) -> dict[str, tuple[str, ...]]:
    """The names for each nation (cities, health bodies) in route_reading.yml as read, the one list of them: the
    answer choice and the route check both take them from here."""
    names = route_reading.get("nation_names") if isinstance(route_reading, Mapping) else None
    require(isinstance(names, Mapping), "route_reading.yml", "nation_names is missing")
    for nation, typed in names.items():
        require(
            isinstance(typed, list) and typed and all(is_text(name) for name in typed),
            "route_reading.yml",
            f"nation_names.{nation} must list the names people type",
        )
    return {str(nation): tuple(str(name).lower() for name in typed) for nation, typed in names.items()}


def not_answered_from(raw: Any, questions: Mapping[str, QuestionAnswer]) -> tuple[str, ...]:
    """not_answered.yml's questions, each a text that is no answer's question or example (case and spacing aside:
    the same text on both sides would pull the answer and hold it back at once)."""
    texts = raw.get("questions") if isinstance(raw, Mapping) else None
    require(
        isinstance(texts, list) and all(is_text(text) for text in texts), NOT_ANSWERED_FILE, "questions must list texts"
    )
    asked = {one_line(text).lower(): answer.id for answer in questions.values() for text in answer.phrasings}
    for text in texts:
        same = asked.get(one_line(text).lower())
        require(same is None, NOT_ANSWERED_FILE, f"{text!r} is also a phrasing of {same}")
    return tuple(one_line(text) for text in texts)


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
    review_every = default_review_every(directory)
    answers = {
        intent: _answer(intent, raw, recommendations, official_domains, today, review_every)
        for intent, raw in answers_raw["answers"].items()
    }
    interface_raw = read_yaml(directory / "interface.yml")
    require(isinstance(interface_raw, Mapping), "interface.yml", "must be a mapping of texts")
    for key in INTERFACE_TEXTS:
        require(is_text(interface_raw.get(key)), "interface.yml", f"{key} is missing")
    interface = {key: one_line(interface_raw[key]) for key in INTERFACE_TEXTS}
    questions = load_questions(directory, answers, official_domains, recommendations, today, review_every)
    return Content(
        answers,
        recommendations,
        ipem_source,
        official_domains,
        interface,
        questions,
        review_every,
        nation_names_from(read_yaml(directory / "route_reading.yml")),
        not_answered_from(read_yaml(directory / NOT_ANSWERED_FILE), questions),
    )
