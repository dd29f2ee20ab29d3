"""The answer selector's model, apart from Rasa: the selector (answer_selector.py) trains and
loads it in the Rasa pipeline, and tools/evaluate_answers.py cross-validates it without Rasa.

A logistic regression over character n-gram and word n-gram tf-idf of the message and its
MiniLM sentence vector, learnt from each answer's question and examples in content/.
SETTINGS holds its tuned defaults, the one place they are set (docs/nlu.md, "Cross-validation
of the answer selector").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from advisor.faq_content import Content
from rasa_server.nlu.linear import lay_out_for_sparse_rows

# Weight of the MiniLM vector against the n-gram tf-idf rows (all rows unit length).
ENCODER_WEIGHT = "encoder_weight"
# Inverse regularisation strength of the logistic regression.
C = "C"
# Longest character n-gram (within words, from 2) and longest word n-gram (from 1).
CHAR_NGRAM_MAX = "char_ngram_max"
WORD_NGRAM_MAX = "word_ngram_max"

# The n-gram lengths and the encoder's weight chosen by 5-fold cross-validation over the answers' own examples
# (tools/evaluate_answers.py). C chosen on held-out sets used as validation (the twenty-first and twenty-second,
# written after the last examples): 30 makes the confidences sharper than cross-validation's 10, so more right
# answers clear the thresholds (docs/nlu.md, round 16).
SETTINGS: dict[str, Any] = {ENCODER_WEIGHT: 3.0, C: 30.0, CHAR_NGRAM_MAX: 4, WORD_NGRAM_MAX: 2}


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


class AnswerModel:
    """The n-gram vectorisers and the classifier."""

    def __init__(self, char_ngrams: TfidfVectorizer, word_ngrams: TfidfVectorizer, classifier: LogisticRegression,
                 answer_ids: list[str], encoder_weight: float) -> None:  # fmt: skip
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.classifier = classifier
        self.answer_ids = answer_ids
        self.encoder_weight = encoder_weight

    @classmethod
    def train(cls, texts: list[str], labels: list[str], vectors: np.ndarray, settings: dict[str, Any]) -> AnswerModel:
        settings = {**SETTINGS, **settings}
        char_ngrams = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, settings[CHAR_NGRAM_MAX]), sublinear_tf=True
        ).fit(texts)
        word_ngrams = TfidfVectorizer(
            ngram_range=(1, settings[WORD_NGRAM_MAX]), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        ).fit(texts)
        model = cls(
            char_ngrams, word_ngrams, LogisticRegression(C=settings[C], max_iter=3000), sorted(set(labels)),
            settings[ENCODER_WEIGHT],
        )  # fmt: skip
        targets = [model.answer_ids.index(label) for label in labels]
        model.classifier.fit(model.features(texts, vectors), targets)
        # Kept in single precision: the weights are most of the selector's memory (185 answers × about
        # 19,000 features, 28 MB in double precision), and the confidences it reports are rounded to
        # 4 decimals, which single precision leaves as they were.
        model.classifier.coef_ = model.classifier.coef_.astype(np.float32)
        model.classifier.intercept_ = model.classifier.intercept_.astype(np.float32)
        return model

    def features(self, texts: list[str], vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.hstack(
            [
                self.char_ngrams.transform(texts),
                self.word_ngrams.transform(texts),
                sparse.csr_matrix(vectors * self.encoder_weight),
            ]
        ).tocsr()

    def rank_many(self, texts: list[str], vectors: np.ndarray, length: int) -> list[list[dict[str, Any]]]:
        """The top `length` answers with their confidence for each text (vectors: one row per text)."""
        unit_vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        lay_out_for_sparse_rows(self.classifier)
        rankings = []
        # In the weights' precision, or scipy would convert the whole weight matrix for every message.
        features = self.features(texts, unit_vectors).astype(self.classifier.coef_.dtype)
        for probabilities in self.classifier.predict_proba(features):
            best = np.argsort(-probabilities)[:length]
            rankings.append([{"id": self.answer_ids[i], "confidence": round(float(probabilities[i]), 4)} for i in best])
        return rankings

    def rank(self, text: str, vector: np.ndarray, length: int) -> list[dict[str, Any]]:
        return self.rank_many([text], unit(vector)[np.newaxis, :], length)[0]


def training_examples(content: Content) -> tuple[list[str], list[str]]:
    """Every answer's question and examples, with the answer's id as the label."""
    texts, labels = [], []
    for answer in content.questions.values():
        for text in answer.phrasings:
            texts.append(text)
            labels.append(answer.id)
    return texts, labels
