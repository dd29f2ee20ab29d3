"""The held-out question report (tools/evaluate_nlu.py): the strict figures, and `also` beside them."""

import datetime as dt

from advisor.faq_content import load_content
from tests.conftest import ROOT
from tools.evaluate_nlu import question_summary, score_question

CONTENT = load_content(ROOT / "content", dt.date.today())


def row(text: str, answer: str, also: list[str], best: str) -> dict:
    """A question whose NLU ranking puts `best` clearly first, as the assistant would answer it."""
    ranking = [{"id": best, "confidence": 0.95}, {"id": "hsse.what_is", "confidence": 0.02}]
    item = {"text": text, "answer": answer, "also": also}
    return score_question(item, "ask_hsse", ranking, {"ask_hsse": 1.0}, CONTENT)


def measure(lines: list[str], name: str) -> str:
    return next(line.split("|")[2].strip() for line in lines if line.startswith(f"| {name}"))


def test_an_answer_the_set_also_accepts_stays_confident_wrong_and_is_counted_beside_it():
    rows = [
        row("how much is hsse", "hsse.fee", ["hsse.nes_fee"], "hsse.nes_fee"),
        row("what does hsse cost", "hsse.fee", [], "hsse.nes_fee"),
    ]
    assert [r["choice"].answer_id for r in rows] == ["hsse.nes_fee", "hsse.nes_fee"]
    lines = question_summary(rows, CONTENT.questions)
    assert measure(lines, "confident wrong answers") == "100.0% (2)"
    assert measure(lines, "of those, an answer the set also accepts") == "1"
    assert "- 'how much is hsse': expected hsse.fee, answered hsse.nes_fee (also accepted)" in lines
    assert "- 'what does hsse cost': expected hsse.fee, answered hsse.nes_fee" in lines
