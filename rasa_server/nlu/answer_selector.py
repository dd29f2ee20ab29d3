"""Rasa NLU component that ranks the question-level answers (content/questions/) for a message.

It learns from each answer's question and example phrasings, which live with the answer in
content/, so the answer text never enters domain.yml or the NLU data. A logistic regression
over character n-grams, word n-grams and the MiniLM sentence vector (answer_model.py) picks
the answer; docs/nlu.md compares it on the held-out questions with a nearest-example search
with the same encoder and with Rasa's ResponseSelector. The ranking goes into the parse data
as ``answer_ranking``; the action server decides from it whether to answer, ask "Did you
mean...", or list the topics (advisor/answer_choice.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.answer_choice import OUT_OF_SCOPE_LEAD, is_short
from advisor.faq_content import NOT_ANSWERED_FILE, load_content
from rasa_server.nlu.answer_model import ENCODER_WEIGHT, SETTINGS, AnswerModel, training_examples
from rasa_server.nlu.example_neighbours import ExampleNeighbours
from rasa_server.nlu.featurizer import SentenceEncoderFeaturizer
from rasa_server.nlu.sentence_encoder import SentenceEncoder

# The parse-data key the action server reads (actions/faq.py).
ANSWER_RANKING = "answer_ranking"
CONTENT_PATH = "content_path"
MODEL_PATH = "model_path"
RANKING_LENGTH = "ranking_length"
# A short message may be a follow-up, which the answer action reads against the last answer: it
# may then pick a candidate far down the message's own ranking (hssr.fee for "and the
# register?" after hsse.fee), so for short messages every answer above this confidence is listed.
SHORT_MESSAGE_FLOOR = 0.001
MODEL_FILE = "answer_selector.skops"
IDS_FILE = "answer_ids.json"
# The intent whose examples are questions no answer fits (data/nlu/boundaries.yml).
OUT_OF_SCOPE = "out_of_scope"


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
        # The model's settings (encoder weight, C, n-gram lengths) default to the tuned ones in answer_model.py.
        return {CONTENT_PATH: "content", MODEL_PATH: "build/minilm", RANKING_LENGTH: 10, **SETTINGS}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # The answers' examples reach Rasa's cache key through the training data (rasa_server/importer.py);
        # not_answered.yml does not, so that a change to it alone still retrains the selector.
        path = Path(config.get(CONTENT_PATH, "content")) / NOT_ANSWERED_FILE
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: AnswerModel | None = None, neighbours: ExampleNeighbours | None = None) -> None:  # fmt: skip
        self.config = {**self.get_default_config(), **config}
        self.model_storage = model_storage
        self.resource = resource
        self.model = model
        self.neighbours = neighbours

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> AnswerSelector:  # fmt: skip
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        # The answers' examples are content, not NLU training data: they are read and encoded here.
        content = load_content(Path(self.config[CONTENT_PATH]), dt.date.today())
        texts, labels = training_examples(content)
        encoder = SentenceEncoder(Path(self.config[MODEL_PATH]))
        vectors = np.stack([encoder.encode(text).sentence_vector() for text in texts])
        self.model = AnswerModel.train(texts, labels, vectors, {key: self.config[key] for key in SETTINGS})
        # Questions no answer fits: the out_of_scope intent's examples and content's not_answered.yml.
        out_of_scope = [
            message.get(TEXT) for message in training_data.intent_examples if message.get(INTENT) == OUT_OF_SCOPE
        ] + list(content.not_answered)
        out_of_scope_vectors = np.array(
            [encoder.encode(text).sentence_vector() for text in out_of_scope], dtype=np.float32
        ).reshape(-1, vectors.shape[1])
        self.neighbours = ExampleNeighbours(vectors, labels, out_of_scope_vectors)
        with self.model_storage.write_to(self.resource) as directory:
            sio.dump((self.model.char_ngrams, self.model.word_ngrams, self.model.classifier), directory / MODEL_FILE)
            (directory / IDS_FILE).write_text(json.dumps(self.model.answer_ids), encoding="utf-8")
            self.neighbours.save(directory)
        return self.resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> AnswerSelector:  # fmt: skip
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            path = directory / MODEL_FILE
            char_ngrams, word_ngrams, classifier = sio.load(path, trusted=sio.get_untrusted_types(file=path))
            answer_ids = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
            neighbours = ExampleNeighbours.load(directory)
        model = AnswerModel(char_ngrams, word_ngrams, classifier, answer_ids, config[ENCODER_WEIGHT])
        return cls(config, model_storage, resource, model, neighbours)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            _, sentence = message.get_dense_features(TEXT)
            if self.model is None or not text or sentence is None:
                continue  # e.g. a button payload, which skips the NLU pipeline
            vector = np.asarray(sentence.features).reshape(-1)
            ranking = self.model.rank(text, vector, len(self.model.answer_ids))
            length = self.config[RANKING_LENGTH]
            if is_short(text):
                length = max(length, sum(entry["confidence"] >= SHORT_MESSAGE_FLOOR for entry in ranking))
            ranking = ranking[:length]
            leads = (
                self.neighbours.out_of_scope_lead(vector, (entry["id"] for entry in ranking)) if self.neighbours else {}
            )
            ranking = [
                {**entry, OUT_OF_SCOPE_LEAD: leads[entry["id"]]} if entry["id"] in leads else entry for entry in ranking
            ]
            message.set(ANSWER_RANKING, ranking, add_to_output=True)
        return messages
