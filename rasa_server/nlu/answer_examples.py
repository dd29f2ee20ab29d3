"""The question-level answers' examples as Rasa retrieval-intent examples, for Rasa's ResponseSelector only.

Rasa's ResponseSelector learns from retrieval-intent examples (`<intent>/<response key>`), which
normally live in the NLU data with their responses in the domain. Here the examples and the
answers stay in content/questions/ (content is data; no answer text in domain.yml or data/):
`AnswerExamples`, first in the pipeline, adds every answer's question and examples to the training
data as `<topic intent>/<answer id>`, so that spaCy and the featurizers featurize them like any
example; the ResponseSelector trains on them; `WithoutAnswerExamples`, right after it, takes them out
again, so that the intent classifier and the components after it train on the NLU data alone, as
before. Both leave messages at run time untouched.

The responses the ResponseSelector keeps are placeholders (the answer id): what is said comes from
content/ through the answer action, never from the model.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.faq_content import load_content

CONTENT_PATH = "content_path"


def response_key(topic_intent: str, answer_id: str) -> str:
    return f"{topic_intent}/{answer_id}"


def answer_id_of(intent_response_key: str) -> str:
    return intent_response_key.split("/", 1)[-1]


def answer_examples(content_dir: Path) -> TrainingData:
    """Every answer's question and examples as `<topic intent>/<answer id>` examples, with placeholder responses."""
    content = load_content(content_dir, dt.date.today())
    examples, responses = [], {}
    for answer in content.questions.values():
        key = response_key(answer.topic, answer.id)
        responses[f"utter_{key}"] = [{TEXT: answer.id}]
        for text in dict.fromkeys((answer.question, *answer.examples)):
            examples.append(Message(data={TEXT: text, INTENT: answer.topic, INTENT_RESPONSE_KEY: key}))
    return TrainingData(training_examples=examples, responses=responses)


class _TrainingDataOnly(GraphComponent):
    """A pipeline step that changes the training data and nothing at run time."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:  # fmt: skip
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    def process(self, messages: list[Message]) -> list[Message]:
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class AnswerExamples(_TrainingDataOnly):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {CONTENT_PATH: "content"}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data.merge(answer_examples(Path(self.config[CONTENT_PATH])))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class WithoutAnswerExamples(_TrainingDataOnly):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data.filter_training_examples(lambda example: not example.get(INTENT_RESPONSE_KEY))
