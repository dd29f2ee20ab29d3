"""The blind-set tool (tools/blind_set.py): the answer list a set's writer reads, and the check before committing."""

import subprocess
import sys

import pytest

from tests.conftest import CONTENT_DIR, ROOT
from tools.blind_set import answer_list, problems

TOOL = [sys.executable, str(ROOT / "tools" / "blind_set.py")]


def test_the_answer_list_has_every_answers_id_question_and_direct_answer_and_no_examples():
    import datetime as dt

    from advisor.faq_content import load_content

    text = answer_list()
    questions = load_content(CONTENT_DIR, dt.date.today()).questions.values()
    # Two lines an answer (its question, its direct answer) and the topic headings: no example is listed.
    listed = [line for line in text.splitlines() if line.startswith(("- ", "  - "))]
    assert listed == [
        line
        for answer in questions
        for line in (f"- `{answer.id}`: {answer.question}", f"  - direct answer: {' '.join(answer.answer.split())}")
    ]


def test_the_check_flags_training_text_a_committed_set_repeats_and_unknown_ids(tmp_path):
    path = tmp_path / "questions_new.yml"
    path.write_text(
        "questions:\n"
        '  - {text: "What is the ARP?", answer: arp.what_is}\n'  # an answer's own question
        '  - {text: "is there a fee to sit the iaps", answer: null}\n'  # the thirty-third set's, case and "?" aside
        '  - {text: "hsst: what is it, truly?", answer: hsst.what_is, also: [no.such]}\n'
        '  - {text: "HSST - what is it truly", answer: hsst.what_is}\n'
        '  - {text: "a question nobody has written before, surely", answer: nope.nothing}\n',
        encoding="utf-8",
    )
    _, found = problems(path)
    assert found == [
        ("in training or an answer's examples", "What is the ARP?"),
        ("in a committed held-out set", "is there a fee to sit the iaps"),
        ("unknown answer id no.such", "hsst: what is it, truly?"),
        ("twice in this set", "HSST - what is it truly"),
        ("unknown answer id nope.nothing", "a question nobody has written before, surely"),
    ]


@pytest.mark.parametrize("text", ["- `arp.what_is`: not yaml\n", "questions: [just a string]\n", "nothing: here\n"])
def test_a_file_that_is_not_a_question_set_gets_a_clear_error(tmp_path, text):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([*TOOL, "check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "not a question set" in result.stderr or "needs `text` and `answer`" in result.stderr
    assert "Traceback" not in result.stderr
