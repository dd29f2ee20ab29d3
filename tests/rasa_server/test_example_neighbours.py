"""The out-of-scope lead the answer selector puts on each ranking entry (rasa_server/nlu/example_neighbours.py)."""

import numpy as np
import pytest

from rasa_server.nlu.example_neighbours import ExampleNeighbours

# Three phrasings of two answers and one out-of-scope example, in a plane: cosines are easy to read.
ANSWERS = np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.0, 1.0, 0.0]])
LABELS = ["a.fee", "a.fee", "b.when"]
OUT_OF_SCOPE = np.array([[0.0, 0.0, 2.0]])  # not unit length: the rows are normalised


def test_the_lead_is_the_nearest_out_of_scope_cosine_minus_the_answers_nearest_phrasing():
    neighbours = ExampleNeighbours(ANSWERS, LABELS, OUT_OF_SCOPE)
    message = np.array([0.0, 0.6, 0.8]) * 10  # the featurizer's scaled vector
    leads = neighbours.out_of_scope_lead(message, ["a.fee", "b.when"])
    # 0.8 to the out-of-scope example; a.fee's nearest phrasing 0.36, b.when's 0.6.
    assert leads == {"a.fee": pytest.approx(0.44, abs=2e-3), "b.when": pytest.approx(0.2, abs=2e-3)}


def test_only_the_answers_asked_about_get_a_lead_and_an_unknown_one_none():
    neighbours = ExampleNeighbours(ANSWERS, LABELS, OUT_OF_SCOPE)
    leads = neighbours.out_of_scope_lead(np.array([0.0, 0.6, 0.8]), ["b.when", "c.gone"])
    assert list(leads) == ["b.when"] and leads["b.when"] == pytest.approx(0.2, abs=2e-3)


def test_without_out_of_scope_examples_no_answer_gets_a_lead():
    assert ExampleNeighbours(ANSWERS, LABELS, np.zeros((0, 3))).out_of_scope_lead(np.ones(3), ["a.fee"]) == {}


def test_saved_and_loaded_it_gives_the_same_leads(tmp_path):
    neighbours = ExampleNeighbours(ANSWERS, LABELS, OUT_OF_SCOPE)
    neighbours.save(tmp_path)
    message = np.array([0.3, 0.2, 0.9])
    loaded = ExampleNeighbours.load(tmp_path)
    assert loaded.out_of_scope_lead(message, LABELS) == neighbours.out_of_scope_lead(message, LABELS)


def test_a_model_saved_before_the_neighbours_loads_without_them(tmp_path):
    assert ExampleNeighbours.load(tmp_path) is None


def test_a_change_to_the_questions_no_answer_fits_alone_retrains_the_selector(tmp_path):
    # Rasa reuses a cached component while its fingerprint holds; not_answered.yml is not in the training data.
    from rasa_server.nlu.answer_selector import AnswerSelector

    (tmp_path / "not_answered.yml").write_text("questions: [is there parking]\n", encoding="utf-8")
    before = AnswerSelector.fingerprint_addon({"content_path": str(tmp_path)})
    (tmp_path / "not_answered.yml").write_text("questions: [is there parking, what should i wear]\n", encoding="utf-8")
    assert AnswerSelector.fingerprint_addon({"content_path": str(tmp_path)}) not in (None, before)
