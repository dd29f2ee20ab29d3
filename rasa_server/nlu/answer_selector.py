"""Rasa NLU component that ranks the question-level answers (content/questions/) for a message.

It learns from each answer's question and example phrasings, which live with the answer in
content/, so the answer text never enters domain.yml or the NLU data. A logistic regression
over character n-grams, word n-grams and the MiniLM sentence vector picks the answer; on the
held-out questions it beat Rasa's ResponseSelector and a nearest-example search with the same
encoder (docs/nlu.md). The ranking goes into the parse data as ``answer_ranking``; the action
server decides from it whether to answer, ask "Did you mean...", or list the topics
(advisor/answer_choice.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sparse
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from advisor.faq_content import load_content
from rasa_server.nlu.featurizer import SentenceEncoderFeaturizer
from rasa_server.nlu.linear import lay_out_for_sparse_rows
from rasa_server.nlu.sentence_encoder import SentenceEncoder

# The parse-data key the action server reads (actions/faq.py).
ANSWER_RANKING = "answer_ranking"
CONTENT_PATH = "content_path"
MODEL_PATH = "model_path"
RANKING_LENGTH = "ranking_length"
# Weight of the MiniLM vector against the n-gram tf-idf rows (both unit length).
ENCODER_WEIGHT = "encoder_weight"
# Inverse regularisation strength of the logistic regression.
C = "C"
MODEL_FILE = "answer_selector.skops"
IDS_FILE = "answer_ids.json"


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


class AnswerModel:
    """The n-gram vectorisers and the classifier, apart from Rasa so that tools can use it too."""

    def __init__(self, char_ngrams: TfidfVectorizer, word_ngrams: TfidfVectorizer, classifier: LogisticRegression,
                 answer_ids: list[str], encoder_weight: float) -> None:  # fmt: skip
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.classifier = classifier
        self.answer_ids = answer_ids
        self.encoder_weight = encoder_weight

    @classmethod
    def train(cls, texts: list[str], labels: list[str], vectors: np.ndarray, encoder_weight: float,
              c: float) -> AnswerModel:  # fmt: skip
        char_ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
        word_ngrams = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b").fit(texts)
        model = cls(
            char_ngrams, word_ngrams, LogisticRegression(C=c, max_iter=3000), sorted(set(labels)), encoder_weight
        )
        targets = [model.answer_ids.index(label) for label in labels]
        model.classifier.fit(model.features(texts, vectors), targets)
        return model

    def features(self, texts: list[str], vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.hstack(
            [
                self.char_ngrams.transform(texts),
                self.word_ngrams.transform(texts),
                sparse.csr_matrix(vectors * self.encoder_weight),
            ]
        ).tocsr()

    def rank(self, text: str, vector: np.ndarray, length: int) -> list[dict[str, Any]]:
        lay_out_for_sparse_rows(self.classifier)
        probabilities = self.classifier.predict_proba(self.features([text], unit(vector)[np.newaxis, :]))[0]
        best = np.argsort(-probabilities)[:length]
        return [{"id": self.answer_ids[i], "confidence": round(float(probabilities[i]), 4)} for i in best]


def training_examples(content_dir: Path) -> tuple[list[str], list[str]]:
    """Every answer's question and examples, with the answer's id as the label."""
    content = load_content(content_dir, dt.date.today())
    texts, labels = [], []
    for answer in content.questions.values():
        for text in (answer.question, *answer.examples):
            texts.append(text)
            labels.append(answer.id)
    return texts, labels


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AnswerSelector(GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {CONTENT_PATH: "content", MODEL_PATH: "build/minilm", RANKING_LENGTH: 10, ENCODER_WEIGHT: 3.0, C: 10.0}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: AnswerModel | None = None) -> None:  # fmt: skip
        self.config = {**self.get_default_config(), **config}
        self.model_storage = model_storage
        self.resource = resource
        self.model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> AnswerSelector:  # fmt: skip
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        # The answers' examples are content, not NLU training data: they are read and encoded here.
        texts, labels = training_examples(Path(self.config[CONTENT_PATH]))
        encoder = SentenceEncoder(Path(self.config[MODEL_PATH]))
        vectors = np.stack([encoder.encode(text).sentence_vector() for text in texts])
        self.model = AnswerModel.train(texts, labels, vectors, self.config[ENCODER_WEIGHT], self.config[C])
        with self.model_storage.write_to(self.resource) as directory:
            sio.dump((self.model.char_ngrams, self.model.word_ngrams, self.model.classifier), directory / MODEL_FILE)
            (directory / IDS_FILE).write_text(json.dumps(self.model.answer_ids), encoding="utf-8")
        return self.resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> AnswerSelector:  # fmt: skip
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            path = directory / MODEL_FILE
            char_ngrams, word_ngrams, classifier = sio.load(path, trusted=sio.get_untrusted_types(file=path))
            answer_ids = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
        model = AnswerModel(char_ngrams, word_ngrams, classifier, answer_ids, config[ENCODER_WEIGHT])
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            _, sentence = message.get_dense_features(TEXT)
            if self.model is None or not text or sentence is None:
                continue  # e.g. a button payload, which skips the NLU pipeline
            ranking = self.model.rank(text, np.asarray(sentence.features).reshape(-1), self.config[RANKING_LENGTH])
            message.set(ANSWER_RANKING, ranking, add_to_output=True)
        return messages
