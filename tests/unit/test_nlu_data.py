"""The NLU training data and the held-out test set that training never sees."""

import pytest

from advisor import feedback
from tests.conftest import ROOT, read_yaml
from tools.blind_set import examples_by_intent, normalised, taught_texts
from tools.evaluate_nlu import HELDOUT_QUESTION_SETS

MIN_EXAMPLES_PER_INTENT = 25


@pytest.fixture(scope="module")
def training():
    return examples_by_intent(ROOT / "data" / "nlu")


@pytest.fixture(scope="module")
def heldout():
    return examples_by_intent(ROOT / "tests" / "heldout" / "nlu")


def test_every_intent_has_enough_varied_examples(training, domain):
    assert set(training) == set(domain["intents"])
    for intent, examples in training.items():
        assert len({normalised(e) for e in examples}) >= MIN_EXAMPLES_PER_INTENT, intent


def test_no_training_example_is_repeated(training):
    # Case and spacing only: "hi" and "hi :)" are different messages.
    everything = [" ".join(e.lower().split()) for examples in training.values() for e in examples]
    repeated = sorted({e for e in everything if everything.count(e) > 1})
    assert repeated == []


def test_heldout_set_covers_every_intent(heldout, domain):
    # Feedback is given with its buttons; its typed examples only keep typed feedback from being read as a question.
    assert set(heldout) == set(domain["intents"]) - {feedback.INTENT}


@pytest.fixture(scope="module")
def taught():
    """Every NLU training example; every answer's question and examples, the answer selector's training texts and,
    through config.yml's importer (rasa_server/importer.py), the intent classifier's too; and the questions no answer
    fits (content/not_answered.yml), which the selector measures messages against. tools/blind_set.py checks a new
    set against the same texts."""
    import datetime as dt

    from advisor.faq_content import load_content
    from tests.conftest import CONTENT_DIR

    return taught_texts(load_content(CONTENT_DIR, dt.date.today()))


def test_heldout_examples_are_not_in_training_or_among_the_answers_examples(heldout, taught):
    assert [e for examples in heldout.values() for e in examples if normalised(e) in taught] == []


def test_part_c_and_section_c_are_both_used(training):
    text = " ".join(training["ask_part_c_exemption"]).lower()
    assert "part c" in text and "section c" in text


# --- the held-out questions for the question-level answers (tests/heldout/questions*.yml) -------

# Every set the evaluator reports (tools/evaluate_nlu.py), each written before a round's tuning.
HELDOUT_QUESTION_FILES = [str(path.relative_to(ROOT)) for path in HELDOUT_QUESTION_SETS]


def test_every_heldout_question_file_is_a_set_the_evaluator_reports():
    # The evaluator's list is kept by hand (its order is the order the sets were written, newest last, which
    # `--sweep-thresholds` reads), so a file left off it would escape the checks below and the reports.
    on_disk = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "heldout").glob("questions*.yml"))
    assert sorted(HELDOUT_QUESTION_FILES) == on_disk


@pytest.fixture(scope="module", params=HELDOUT_QUESTION_FILES)
def heldout_questions(request):
    return read_yaml(request.param)["questions"]


def test_heldout_questions_name_existing_answers_and_are_enough(heldout_questions):
    import datetime as dt

    from advisor.faq_content import load_content
    from tests.conftest import CONTENT_DIR

    content = load_content(CONTENT_DIR, dt.date.today())
    assert len([q for q in heldout_questions if q["answer"]]) >= 200
    assert any(q["answer"] is None for q in heldout_questions)
    # An answer merged into another (`replaces`) still names the answer that replaced it.
    assert [q["answer"] for q in heldout_questions if q["answer"] and content.question_for(q["answer"]) is None] == []
    # `also` names other existing answers, and only for a question that has an expected answer.
    also = [(q["answer"], other) for q in heldout_questions for other in q.get("also", [])]
    unfit = [(answer, other) for answer, other in also if answer in (None, other) or not content.question_for(other)]
    assert unfit == []


def test_heldout_questions_are_not_in_training_data_or_answer_examples(heldout_questions, taught):
    assert [q["text"] for q in heldout_questions if normalised(q["text"]) in taught] == []


def test_no_question_is_in_two_heldout_sets():
    sets = [{normalised(q["text"]) for q in read_yaml(path)["questions"]} for path in HELDOUT_QUESTION_FILES]
    shared = [text for i, one in enumerate(sets) for other in sets[i + 1 :] for text in one & other]
    assert sorted(shared) == []
