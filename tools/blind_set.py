"""Write a new held-out question set blind: the answer list its writer reads, and the check before it is committed.

    python tools/blind_set.py answers OUT.md    every answer's id, question and direct answer (no examples)
    python tools/blind_set.py check SET.yml     questions equal (case and punctuation aside) to a training
                                                example, an answer's question or example, or a question of a
                                                committed held-out set; repeats; unknown answer ids

The writer reads only OUT.md and ../shared/domain/facts.md, never data/nlu/, content/'s examples or the other
sets, and rewords whatever `check` flags. The set is committed (tests/heldout/, HELDOUT_QUESTION_SETS in
tools/evaluate_nlu.py) before any model is run on it, then run once: docs/nlu.md, "The held-out question sets".
tests/unit/test_nlu_data.py holds every committed set to the same checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from advisor.faq_content import Content, load_content  # noqa: E402


def normalised(text: str) -> str:
    """A text as the checks compare it: lower case, every run of punctuation and spaces one space."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def answer_list() -> str:
    questions = load_content(ROOT / "content", dt.date.today()).questions.values()
    lines = ["# The answers the assistant can give (id, the question it answers, its direct answer)", ""]
    for topic in dict.fromkeys(answer.topic for answer in questions):  # content's order
        lines += [f"## {topic}", ""]
        for answer in (a for a in questions if a.topic == topic):
            lines += [f"- `{answer.id}`: {answer.question}", f"  - direct answer: {' '.join(answer.answer.split())}"]
        lines.append("")
    return "\n".join(lines)


def examples_by_intent(folder: Path) -> dict[str, list[str]]:
    """Every example in the folder's NLU YAML files (data/nlu/, tests/heldout/nlu/), by intent."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in block:
                found[block["intent"]] += [
                    line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip()
                ]
    return found


def taught_texts(content: Content) -> set[str]:
    """Every NLU training example, every answer's question and examples, and content's questions no answer fits
    (not_answered.yml), normalised: what no held-out question may be."""
    examples = [text for texts in examples_by_intent(ROOT / "data" / "nlu").values() for text in texts]
    phrasings = [text for answer in content.questions.values() for text in answer.phrasings]
    return {normalised(text) for text in (*examples, *phrasings, *content.not_answered)}


def read_set(path: Path) -> list[dict]:
    """The set's questions; SystemExit with the reason when the file is not a question set."""
    try:
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        if all(isinstance(q, dict) and isinstance(q.get("text"), str) and "answer" in q for q in questions):
            return questions
    except (OSError, yaml.YAMLError, TypeError, KeyError) as error:
        raise SystemExit(f"{path}: not a question set ({error.__class__.__name__}: {error})") from None
    raise SystemExit(f"{path}: every question needs `text` and `answer` (see tests/heldout/questions.yml)")


def problems(path: Path) -> tuple[list[dict], list[tuple[str, str]]]:
    from tools.evaluate_nlu import HELDOUT_QUESTION_SETS

    content = load_content(ROOT / "content", dt.date.today())
    ids = set(content.questions)
    taught = taught_texts(content)
    committed = {
        normalised(q["text"])
        for other in HELDOUT_QUESTION_SETS
        if other.resolve() != path.resolve()
        for q in yaml.safe_load(other.read_text(encoding="utf-8"))["questions"]
    }
    questions = read_set(path)
    seen, found = set(), []
    for q in questions:
        text = normalised(q["text"])
        found += [(why, q["text"]) for why, hit in (
            ("in training or an answer's examples", text in taught),
            ("in a committed held-out set", text in committed),
            ("twice in this set", text in seen),
        ) if hit]  # fmt: skip
        seen.add(text)
        named = [q["answer"], *q.get("also", [])] if q["answer"] else q.get("also", [])
        found += [(f"unknown answer id {answer_id}", q["text"]) for answer_id in named if answer_id not in ids]
    return questions, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("answers").add_argument("out", type=Path)
    commands.add_parser("check").add_argument("set", type=Path)
    args = parser.parse_args()
    if args.command == "answers":
        text = answer_list()
        args.out.write_text(text, encoding="utf-8")
        print(f"{args.out}: {text.count(chr(10) + '- `')} answers")
        return
    questions, found = problems(args.set)
    answerable = [q for q in questions if q["answer"]]
    print(
        f"{len(questions)} questions, {len(answerable)} answerable over {len({q['answer'] for q in answerable})} "
        f"answers, {len(questions) - len(answerable)} with no answer; {len(found)} flagged"
    )
    for why, text in found:
        print(f"  {why}: {text}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
