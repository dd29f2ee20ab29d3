"""The answer selector's model (rasa_server/nlu/answer_model.py) on a small made-up set."""

import numpy as np
import pytest

from rasa_server.nlu.answer_model import AnswerModel, training_examples
from tests.conftest import CONTENT_DIR


def test_it_ranks_the_answer_whose_examples_match_first():
    texts = ["how much does hsse cost", "hsse fee", "what is the hssr fee", "hss register renewal fee",
             "how long is hsst", "hsst length in years"]  # fmt: skip
    labels = ["hsse.fee", "hsse.fee", "hssr.fee", "hssr.fee", "hsst.length", "hsst.length"]
    vectors = np.random.default_rng(0).normal(size=(len(texts), 8))
    model = AnswerModel.train(texts, labels, vectors, {})  # the tuned settings
    ranking = model.rank("what's the hsse fee", vectors[0], length=2)
    assert [entry["id"] for entry in ranking][:1] == ["hsse.fee"]
    assert len(ranking) == 2 and ranking[0]["confidence"] >= ranking[1]["confidence"]


def test_it_learns_every_answers_question_and_examples_from_content():
    texts, labels = training_examples(CONTENT_DIR)
    assert len(set(labels)) >= 150 and len(texts) >= 5 * len(set(labels))


# --- Rasa's ResponseSelector beside it (rasa_server/nlu/answer_examples.py) ---------------------


def test_the_answers_examples_become_retrieval_intent_examples_under_their_topic_with_placeholder_responses():
    import datetime as dt

    from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT

    from advisor.faq_content import load_content
    from rasa_server.nlu.answer_examples import answer_examples

    content = load_content(CONTENT_DIR, dt.date.today())
    examples = answer_examples(CONTENT_DIR)
    fee = [m for m in examples.training_examples if m.get(INTENT_RESPONSE_KEY) == "ask_hsse/hsse.fee"]
    answer = content.questions["hsse.fee"]
    assert {m.get(TEXT) for m in fee} == {answer.question, *answer.examples}
    assert {m.get(INTENT) for m in fee} == {"ask_hsse"}
    assert len(examples.responses) == len(content.questions)
    # No answer text goes into the model: the response is the answer's id.
    assert examples.responses["utter_ask_hsse/hsse.fee"] == [{"text": "hsse.fee"}]


def test_the_answers_examples_are_added_for_the_response_selector_and_taken_out_before_the_intent_classifier():
    from rasa.shared.nlu.constants import INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from rasa_server.nlu.answer_examples import AnswerExamples, WithoutAnswerExamples

    nlu = TrainingData(
        [Message(data={TEXT: "hello", INTENT: "greet"}), Message(data={TEXT: "what is hsse", INTENT: "ask_hsse"})]
    )
    with_answers = AnswerExamples({"content_path": str(CONTENT_DIR)}).process_training_data(nlu)
    assert len(with_answers.training_examples) > 1000
    assert "ask_hsse" in with_answers.retrieval_intents
    without = WithoutAnswerExamples({}).process_training_data(with_answers)
    assert [(m.get(TEXT), m.get(INTENT)) for m in without.training_examples] == [
        ("hello", "greet"),
        ("what is hsse", "ask_hsse"),
    ]
    # At run time both leave a message as it is.
    message = Message(data={TEXT: "hi"})
    assert AnswerExamples({}).process([message]) == [message] == WithoutAnswerExamples({}).process([message])


def test_the_ranking_is_the_weighted_mean_of_both_and_the_response_selectors_output_is_not_kept():
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    from rasa_server.nlu.answer_selector import ANSWER_RANKING, AnswerSelector

    texts = ["how much does hsse cost", "hsse fee", "what is the hssr fee", "hss register renewal fee"]
    labels = ["hsse.fee", "hsse.fee", "hssr.fee", "hssr.fee"]
    vectors = np.random.default_rng(0).normal(size=(len(texts), 8))
    selector = AnswerSelector(
        {"response_selector_weight": 0.8}, None, None, AnswerModel.train(texts, labels, vectors, {})
    )
    alone = AnswerSelector({"response_selector_weight": 0.8}, None, None, selector.model)

    def message(with_selector: bool) -> Message:
        m = Message(data={TEXT: "what is the hssr fee"})
        m.add_features(Features(vectors[2][np.newaxis, :], "sentence", TEXT, "test"))
        if with_selector:
            ranking = [{"intent_response_key": "ask_hssr/hssr.fee", "confidence": 0.1},
                       {"intent_response_key": "ask_hsse/hsse.fee", "confidence": 0.9}]  # fmt: skip
            m.set(
                "response_selector",
                {"all_retrieval_intents": ["ask_hsse"], "default": {"ranking": ranking}},
                add_to_output=True,
            )
        return m

    [lr_only] = alone.process([message(False)])
    lr = {e["id"]: e["confidence"] for e in lr_only.get(ANSWER_RANKING)}
    [both] = selector.process([message(True)])
    ranking = both.get(ANSWER_RANKING)
    assert {e["id"]: e["confidence"] for e in ranking} == pytest.approx(
        {"hssr.fee": 0.2 * lr["hssr.fee"] + 0.8 * 0.1, "hsse.fee": 0.2 * lr["hsse.fee"] + 0.8 * 0.9}, abs=1e-4
    )
    assert [e["id"] for e in ranking] == ["hsse.fee", "hssr.fee"]  # best first, the selector's weight deciding
    assert "response_selector" not in both.as_dict(only_output_properties=True)
