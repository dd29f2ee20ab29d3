"""How much nearer a message is to a question no answer fits than to each answer's own phrasings.

The answer selector's logistic regression is sure of an answer for some questions that no answer fits, when the
question shares the answer's words ("Can I edit my Oriel application after I've pressed submit?" and apply.where).
The out_of_scope intent's near-miss examples (data/nlu/boundaries.yml) and content/not_answered.yml are questions
of just that kind. A message much nearer (MiniLM cosine) one of them than any phrasing of the answer ranked first
is offered under "Did you mean" instead of answered (advisor/answer_choice.py, Settings.out_of_scope_lead;
docs/nlu.md, round 24). No Rasa import: the selector trains, saves and loads it, and puts each answer's lead on
its ranking entry (OUT_OF_SCOPE_LEAD).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

VECTORS_FILE = "example_neighbours.npz"


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def half_precision(vectors: np.ndarray) -> np.ndarray:
    return vectors.astype(np.float16).astype(np.float32)


class ExampleNeighbours:
    def __init__(self, answer_vectors: np.ndarray, answer_labels: list[str], out_of_scope_vectors: np.ndarray) -> None:
        # Saved in half precision to keep the model small (cosines move by about 0.001), and rounded to it here too,
        # so that a trained and a loaded selector give the same leads; multiplied in single precision, which BLAS
        # does ten times faster (0.4 ms a message against 4).
        self.answer_vectors = half_precision(unit_rows(answer_vectors))
        self.answer_labels = np.asarray(answer_labels)
        self.out_of_scope_vectors = half_precision(unit_rows(out_of_scope_vectors))
        self.rows = {answer_id: np.flatnonzero(self.answer_labels == answer_id) for answer_id in set(answer_labels)}

    def out_of_scope_lead(self, vector: np.ndarray, answer_ids: Iterable[str]) -> dict[str, float]:
        """The lead of each of these answers (the ranking's, not all of them) for a message's sentence vector: the
        ranking entries' OUT_OF_SCOPE_LEAD. An id it has no phrasings for is left out; empty without out-of-scope
        examples, so that the answer choice then never holds an answer back for it."""
        if len(self.out_of_scope_vectors) == 0:
            return {}
        message = unit_rows(np.asarray(vector, dtype=np.float32).reshape(1, -1))[0]
        nearest_out_of_scope = float((self.out_of_scope_vectors @ message).max())
        return {
            answer_id: round(
                nearest_out_of_scope - float((self.answer_vectors[self.rows[answer_id]] @ message).max()), 4
            )
            for answer_id in answer_ids
            if answer_id in self.rows
        }

    def save(self, directory: Path) -> None:
        np.savez_compressed(
            directory / VECTORS_FILE,
            answer_vectors=self.answer_vectors.astype(np.float16),
            answer_labels=self.answer_labels,
            out_of_scope_vectors=self.out_of_scope_vectors.astype(np.float16),
        )

    @classmethod
    def load(cls, directory: Path) -> ExampleNeighbours | None:
        """None for a model trained before the neighbours were saved: its ranking then carries no lead."""
        path = directory / VECTORS_FILE
        if not path.exists():
            return None
        with np.load(path) as saved:
            return cls(
                saved["answer_vectors"], [str(label) for label in saved["answer_labels"]], saved["out_of_scope_vectors"]
            )
