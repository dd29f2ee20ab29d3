"""The threshold sweep the answer choice's thresholds are chosen from (tools/evaluate_nlu.py --sweep-thresholds)."""

import datetime as dt

from advisor.answer_choice import SETTINGS
from advisor.faq_content import load_content
from tests.conftest import ROOT
from tools.evaluate_nlu import threshold_sweep

CONTENT = load_content(ROOT / "content", dt.date.today())
# Two parsed questions as the NLU gives them: one clear, one no answer fits whose best candidate
# scores 0.42 under the topic the intent classifier is sure of.
PARSED = [
    ({"text": "how much is hsse", "answer": "hsse.fee"}, "ask_hsse",
     [{"id": "hsse.fee", "confidence": 0.9}, {"id": "hssr.fee", "confidence": 0.05}], {"ask_hsse": 1.0}),
    ({"text": "what should i wear for hsse", "answer": None}, "ask_hsse",
     [{"id": "hsse.fee", "confidence": 0.42}, {"id": "hsse.time", "confidence": 0.1}], {"ask_hsse": 1.0}),
]  # fmt: skip


def sweep_row(lines: list[str], confidence: str, margin: str) -> list[str]:
    rows = [line.split("|")[1:-1] for line in lines if line.startswith("| 0.")]
    cells = ([cell.strip() for cell in row] for row in rows)
    return next(row for row in cells if row[0].split()[0] == confidence and row[1] == margin)


def test_a_question_no_answer_fits_counts_as_confident_wrong_only_while_its_score_clears_the_threshold():
    lines = threshold_sweep(PARSED, CONTENT)
    assert sweep_row(lines, "0.40", "1.5")[2:] == ["100.0% (1)", "50.0% (1)"]
    assert sweep_row(lines, "0.45", "1.5")[2:] == ["100.0% (1)", "0.0% (0)"]


def test_the_shipped_thresholds_are_marked_once():
    marked = [line for line in threshold_sweep(PARSED, CONTENT) if "(shipped)" in line]
    assert len(marked) == 1
    assert sweep_row(marked, f"{SETTINGS.answer_confidence:.2f}", f"{SETTINGS.margin:g}")


def test_another_intents_question_is_never_answered():
    greeting = ({"text": "hello", "answer": None}, "greet", [{"id": "hsse.fee", "confidence": 0.99}], {"greet": 1.0})
    lines = threshold_sweep([PARSED[0], greeting], CONTENT)
    assert sweep_row(lines, "0.30", "1.25")[3] == "0.0% (0)"
