"""Rasa's file importer, plus the answers' questions and examples as intent examples.

The answer selector learns which answer a message wants from each answer's question and examples
in content/questions/. The intent classifier, which decides whether a message is about a topic at
all (or out of scope) and weighs the answers by topic, learnt only from data/nlu/, so a question
worded as an answer's examples are ("who's the audience for the lay presentation") could be
declined as out of scope. Here every answer's question and examples become examples of its
topic's intent, read from the one place content keeps them. config.yml names this importer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.faq_content import load_content


def answer_examples(content_dir: Path) -> TrainingData:
    """Each answer's question and examples, labelled with its topic's intent."""
    content = load_content(content_dir, dt.date.today())
    texts = {}
    for answer in content.questions.values():
        for text in answer.phrasings:
            texts.setdefault(text, answer.topic)  # a text two answers share counts once, for the first
    return TrainingData([Message(data={TEXT: text, INTENT: topic}) for text, topic in texts.items()])


class RasaFilesAndAnswerExamples(RasaFileImporter):
    def __init__(
        self,
        config_file: str | None = None,
        domain_path: str | None = None,
        training_data_paths: list[str] | str | None = None,
        content_path: str = "content",
    ) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        self.content_path = Path(content_path)

    def get_nlu_data(self, language: str | None = "en") -> TrainingData:
        return super().get_nlu_data(language).merge(answer_examples(self.content_path))
