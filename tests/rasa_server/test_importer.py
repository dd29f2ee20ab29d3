"""The importer config.yml names: data/ as Rasa reads it, plus the answers' examples under their topic."""

import datetime as dt
import re

from rasa.shared.importers.importer import TrainingDataImporter

from advisor.faq_content import load_content
from rasa_server.importer import RasaFilesAndAnswerExamples, answer_examples
from tests.conftest import CONTENT_DIR, ROOT

CONTENT = load_content(CONTENT_DIR, dt.date.today())


def test_every_answers_question_and_examples_are_examples_of_its_topic():
    examples = {message.get("text"): message.get("intent") for message in answer_examples(CONTENT_DIR).intent_examples}
    for answer in CONTENT.questions.values():
        for text in (answer.question, *answer.examples):
            assert text in examples, text
    by_text = {}
    for answer in CONTENT.questions.values():
        for text in (answer.question, *answer.examples):
            by_text.setdefault(text, answer.topic)
    assert examples == by_text


def test_config_yml_trains_on_data_and_the_answers_examples():
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    texts = {message.get("text") for message in importer.get_nlu_data().intent_examples}
    hsse_fee = CONTENT.questions["hsse.fee"]
    assert {hsse_fee.question, *hsse_fee.examples} <= texts
    assert "what can you do" in texts  # data/nlu/ as before


def test_it_reads_data_as_rasas_own_importer_does():
    data = [str(ROOT / "data")]
    ours = RasaFilesAndAnswerExamples(None, str(ROOT / "domain.yml"), data, content_path=str(CONTENT_DIR))
    plain = TrainingDataImporter.load_from_dict({}, None, str(ROOT / "domain.yml"), data)
    assert [step.block_name for step in ours.get_stories().story_steps] == [
        step.block_name for step in plain.get_stories().story_steps
    ]
    plain_texts = {message.get("text") for message in plain.get_nlu_data().intent_examples}
    assert plain_texts <= {message.get("text") for message in ours.get_nlu_data().intent_examples}


def test_no_text_is_taught_as_two_intents_even_when_cased_or_punctuated_differently():
    # rasa data validate only finds identical texts; "Should I do HSST or HSSE?" in content and
    # "should I do HSST or HSSE" in data/nlu taught the classifier two intents for one question.
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    intents_of = {}
    for message in importer.get_nlu_data().intent_examples:
        intents_of.setdefault(re.sub(r"\W+", " ", message.get("text").lower()).strip(), set()).add(
            message.get("intent")
        )
    assert {text: intents for text, intents in intents_of.items() if len(intents) > 1} == {}
