"""The action server's content, loaded and checked once when it starts: the only module-level state.

Broken content stops the action server with a clear error instead of failing in the middle of
someone's conversation. The actions read CONTENT, ROUTE_CONTENT, READING and NEAREST from here
and pass them to the core's functions.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from pathlib import Path

import numpy as np

from advisor.faq_content import load_content
from advisor.review import overdue_items
from advisor.route.answers import NearestExamples, load_reading_content
from advisor.route.content import load_route_content

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
# The NLU's sentence encoder (`make encoder`), used again to read typed answers the plain rules cannot.
ENCODER_DIR = ROOT / "build" / "minilm"

CONTENT = load_content(CONTENT_DIR, dt.date.today())
ROUTE_CONTENT = load_route_content(CONTENT_DIR, dt.date.today(), CONTENT)
READING = load_reading_content(CONTENT_DIR, tuple(CONTENT.answers))


@functools.cache
def _encoder():
    # Imported here: the encoder has no Rasa import, but it is a build product the action server
    # loads once (warm_up), not a Rasa component.
    from rasa_server.nlu.sentence_encoder import SentenceEncoder

    return SentenceEncoder(ENCODER_DIR)


def embed(text: str) -> np.ndarray:
    return _encoder().encode(text).sentence_vector()


NEAREST = NearestExamples(READING, embed)


def log_overdue_content() -> None:
    """Says once, as the action server starts, which answers are past their review-by date (they still answer)."""
    logger = logging.getLogger("action_server")
    for item in overdue_items(CONTENT, ROUTE_CONTENT, dt.date.today()):
        logger.warning(
            "Due for review: %s %s, last reviewed %s, review by %s (%s; make content-status lists them all).",
            item.kind, item.id, item.last_reviewed, item.due, item.where,
        )  # fmt: skip


def warm_up() -> None:
    """Loads the encoder and embeds every labelled example, so no conversation waits for it."""
    NEAREST.embed_examples()
