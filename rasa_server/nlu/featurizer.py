"""Rasa featurizer that adds MiniLM sentence-encoder features (rasa_server/nlu/sentence_encoder.py).

Sequence features: for each Rasa token, the mean of the contextual vectors of the
wordpieces it covers. Sentence features: the model's own sentence embedding. The
classifier uses them next to the sparse word and character n-gram counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_server.nlu.sentence_encoder import GRAPH_FILE, SentenceEncoder

MODEL_PATH = "model_path"
# Multiplies the vectors. MiniLM's sentence vector has unit length, while count
# features run into the tens; a linear classifier needs them on a similar scale.
SCALE = "scale"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["tokenizers", "onnxruntime"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), MODEL_PATH: "build/minilm", SCALE: 1.0}

    def __init__(self, config: dict[str, Any], name: str, encoder: SentenceEncoder | None = None) -> None:
        super().__init__(name, config)
        self.encoder = encoder or SentenceEncoder.shared(Path(self._config[MODEL_PATH]).resolve())

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not (Path(config[MODEL_PATH]) / GRAPH_FILE).exists():
            raise ValueError(f"No sentence-encoder graph in {config[MODEL_PATH]!r}: run `make encoder`.")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not tokens:
                continue  # e.g. training examples that only carry a response or an action
            encoding = self.encoder.encode(message.get(TEXT))
            scale = self._config[SCALE]
            sequence = np.stack([encoding.span_vector(token.start, token.end) for token in tokens]) * scale
            sentence = encoding.sentence_vector()[np.newaxis, :] * scale
            self.add_features_to_message(sequence=sequence, sentence=sentence, attribute=TEXT, message=message)
        return messages
