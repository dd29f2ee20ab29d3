"""The answer selector's model (rasa_server/nlu/answer_model.py) on a small made-up set."""

import copy
import datetime as dt

import numpy as np

from advisor.faq_content import load_content
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


def test_its_weights_are_single_precision_and_rank_as_double_precision_would():
    texts, labels = training_examples(load_content(CONTENT_DIR, dt.date.today()))
    texts, labels = texts[:400], labels[:400]
    vectors = np.random.default_rng(1).normal(size=(len(texts), 8))
    model = AnswerModel.train(texts, labels, vectors, {})
    assert model.classifier.coef_.dtype == np.float32 and model.classifier.intercept_.dtype == np.float32
    double = copy.deepcopy(model)
    double.classifier.coef_ = double.classifier.coef_.astype(np.float64)
    double.classifier.intercept_ = double.classifier.intercept_.astype(np.float64)
    for text, vector in zip(texts[::20], vectors[::20], strict=True):
        single_ranking, double_ranking = model.rank(text, vector, 5), double.rank(text, vector, 5)
        assert [e["id"] for e in single_ranking] == [e["id"] for e in double_ranking]
        for single, double_entry in zip(single_ranking, double_ranking, strict=True):
            assert abs(single["confidence"] - double_entry["confidence"]) <= 1e-4


def test_it_learns_every_answers_question_and_examples_from_content():
    texts, labels = training_examples(load_content(CONTENT_DIR, dt.date.today()))
    assert len(set(labels)) >= 150 and len(texts) >= 5 * len(set(labels))
