"""NLU accuracy report (`make evaluate`): a report, not a test.

Runs 5-fold cross-validation of the shipped pipeline (config.yml, spaCy tokens and
lemmas) and of the comparison pipeline (the same with Rasa's WhitespaceTokenizer),
then tests the trained model on the held-out set in tests/heldout/nlu/ that training never
sees, then asks the trained model the held-out questions in tests/heldout/questions.yml and
scores the replies the assistant would give (question-level answers: top-1, "Did you mean"
three, confident wrong answers, answer-first, first-message length). Writes Rasa's reports
under results/ and a summary to results/summary.md; `--questions-only` runs the last part only, and
`--sweep-thresholds` reports the answer thresholds over the validation sets instead (results/threshold_sweep.md).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the held-out questions are scored with the project's own answer choice
from rasa_server.quiet import quieten_in_process  # noqa: E402

RASA = [sys.executable, "-m", "rasa_server"]
RESULTS = ROOT / "results"
TARGET_WEIGHTED_F1 = 0.95
TARGET_MIN_INTENT_F1 = 0.85
HELDOUT_QUESTIONS = ROOT / "tests" / "heldout" / "questions.yml"
# Every held-out question set, each reported on its own (docs/nlu.md says when each was written and
# which one is the test: the newest, which nothing was chosen on).
HELDOUT_QUESTION_SETS = (
    HELDOUT_QUESTIONS,
    ROOT / "tests" / "heldout" / "questions_second.yml",
    ROOT / "tests" / "heldout" / "questions_third.yml",
    ROOT / "tests" / "heldout" / "questions_fourth.yml",
    ROOT / "tests" / "heldout" / "questions_fifth.yml",
    ROOT / "tests" / "heldout" / "questions_sixth.yml",
    ROOT / "tests" / "heldout" / "questions_seventh.yml",
    ROOT / "tests" / "heldout" / "questions_eighth.yml",
    ROOT / "tests" / "heldout" / "questions_ninth.yml",
    ROOT / "tests" / "heldout" / "questions_tenth.yml",
    ROOT / "tests" / "heldout" / "questions_eleventh.yml",
    ROOT / "tests" / "heldout" / "questions_twelfth.yml",
    ROOT / "tests" / "heldout" / "questions_thirteenth.yml",
    ROOT / "tests" / "heldout" / "questions_fourteenth.yml",
    ROOT / "tests" / "heldout" / "questions_fifteenth.yml",
    ROOT / "tests" / "heldout" / "questions_sixteenth.yml",
    ROOT / "tests" / "heldout" / "questions_seventeenth.yml",
    ROOT / "tests" / "heldout" / "questions_eighteenth.yml",
    ROOT / "tests" / "heldout" / "questions_nineteenth.yml",
    ROOT / "tests" / "heldout" / "questions_twentieth.yml",
    ROOT / "tests" / "heldout" / "questions_twentyfirst.yml",
    ROOT / "tests" / "heldout" / "questions_twentysecond.yml",
    ROOT / "tests" / "heldout" / "questions_twentythird.yml",
    ROOT / "tests" / "heldout" / "questions_twentyfourth.yml",
    ROOT / "tests" / "heldout" / "questions_twentyfifth.yml",
    ROOT / "tests" / "heldout" / "questions_twentysixth.yml",
    ROOT / "tests" / "heldout" / "questions_twentyseventh.yml",
    ROOT / "tests" / "heldout" / "questions_twentyeighth.yml",
    ROOT / "tests" / "heldout" / "questions_twentyninth.yml",
    ROOT / "tests" / "heldout" / "questions_thirtieth.yml",
    ROOT / "tests" / "heldout" / "questions_thirtyfirst.yml",
    ROOT / "tests" / "heldout" / "questions_thirtysecond.yml",
    ROOT / "tests" / "heldout" / "questions_thirtythird.yml",
    ROOT / "tests" / "heldout" / "questions_thirtyfourth.yml",
    ROOT / "tests" / "heldout" / "questions_thirtyfifth.yml",
    ROOT / "tests" / "heldout" / "questions_thirtysixth.yml",
    ROOT / "tests" / "heldout" / "questions_thirtyseventh.yml",
)
ANSWER_FIRST_CHARS = 300
ANSWER_ACTION = "action_answer_question"
# A question whose intent gets another reply (out_of_scope's decline, a greeting...).
NOT_ANSWERED = "other reply"
# The grid `--sweep-thresholds` reports (advisor/answer_choice.py's answer_confidence and margin).
SWEEP_CONFIDENCES = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
SWEEP_MARGINS = (1.25, 1.5, 2.0, 2.5, 3.0)
SUMMARY_ROWS = ("weighted avg", "macro avg", "micro avg", "accuracy")


def whitespace_config() -> Path:
    """config.yml with the spaCy tokenizer swapped for the whitespace one, nothing else changed."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    config["pipeline"][names.index("SpacyTokenizer")] = {"name": "WhitespaceTokenizer"}
    path = ROOT / "build" / "config-whitespace.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def rasa_test_nlu(out: Path, *args: str) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "rasa.log").open("w") as log:
        subprocess.run([*RASA, "test", "nlu", "--out", str(out), *args], cwd=ROOT, stdout=log, stderr=log, check=True)
    return json.loads((out / "intent_report.json").read_text(encoding="utf-8"))


def intent_scores(report: dict) -> dict:
    return {name: row for name, row in report.items() if name not in SUMMARY_ROWS and isinstance(row, dict)}


def summary_line(name: str, report: dict) -> str:
    scores = intent_scores(report)
    worst = sorted(scores.items(), key=lambda item: item[1]["f1-score"])[:3]
    worst_text = ", ".join(f"{intent} {row['f1-score']:.3f}" for intent, row in worst)
    below = sum(row["f1-score"] < TARGET_MIN_INTENT_F1 for row in scores.values())
    return (
        f"| {name} | {report['weighted avg']['f1-score']:.3f} | {report['weighted avg']['support']} "
        f"| {below} | {worst_text} |"
    )


@functools.cache
def answering_intents() -> frozenset[str]:
    """The intents whose rules run the answer action (data/rules/questions.yml); any other intent
    (out_of_scope, greet...) gets its own reply in the assistant, never a question-level answer."""
    rules = yaml.safe_load((ROOT / "data" / "rules" / "questions.yml").read_text(encoding="utf-8"))["rules"]
    return frozenset(
        step["intent"]
        for rule in rules
        if {"action": ANSWER_ACTION} in rule["steps"]
        for step in rule["steps"]
        if "intent" in step
    )


def score_question(item: dict, intent: str, ranking: list, topics: dict, content) -> dict:
    """One held-out question's row: what the assistant does with it (the answer choice when the
    intent runs the answer action), the weighted ranking, and the reply's text."""
    from advisor.answer_choice import Choice, choose, scored_candidates
    from advisor.render import render_question_answer

    ranked = [answer_id for answer_id, _ in scored_candidates(ranking, content, topics, None, item["text"])]
    if intent not in answering_intents():
        return {**item, "choice": Choice(NOT_ANSWERED), "ranked": ranked, "reply": intent}
    choice = choose(ranking, content, topics, None, item["text"])
    if choice.kind == "answer":
        reply = render_question_answer(content.questions[choice.answer_id], content)
    else:
        reply = content.interface["did_you_mean_intro" if choice.kind == "did_you_mean" else "fallback_intro"]
    return {**item, "choice": choice, "ranked": ranked, "reply": reply}


@functools.lru_cache(maxsize=1)
def shipped_content():
    """content/ as the assistant loads it, read once per run (every held-out set and the sweep use it)."""
    from advisor.faq_content import load_content

    return load_content(ROOT / "content", dt.date.today())


def heldout_questions(path: Path) -> list[dict]:
    """A held-out set's questions. An expected answer since merged into another (content's `replaces`)
    is read as the answer that replaced it, so the set stays as it was written. `also` (optional, from the
    thirty-fourth set on) lists other answers whose direct answer also answers the question, labelled blind
    when the question was written; it is reported beside the strict figures and never replaces them."""
    replaced = shipped_content().replaced
    return [
        {
            **item,
            "answer": replaced.get(item["answer"], item["answer"]),
            "also": [replaced.get(answer_id, answer_id) for answer_id in item.get("also", [])],
        }
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    ]


def parse_heldout_questions(model: str, path: Path) -> list[tuple[dict, str, list, dict]]:
    """Each held-out question through the trained NLU: (question, intent, answer ranking, topic confidences)."""
    quieten_in_process()
    from rasa.core.agent import Agent

    agent = Agent.load(str(ROOT / model))
    parsed = []
    for item in heldout_questions(path):
        message = asyncio.run(agent.parse_message(item["text"]))
        topics = {entry["name"]: entry["confidence"] for entry in message.get("intent_ranking") or []}
        parsed.append((item, message["intent"]["name"], message.get("answer_ranking") or [], topics))
    return parsed


def ask_heldout_questions(model: str, path: Path) -> list[dict]:
    """Each held-out question through the trained NLU and the answer choice, as the assistant replies."""
    return [score_question(*question, shipped_content()) for question in parse_heldout_questions(model, path)]


def threshold_sweep(parsed: list[tuple[dict, str, list, dict]], content) -> list[str]:
    """Answered-right and confident-wrong rates over a grid of answer thresholds and margins, the
    rest of the answer choice as shipped: the table the thresholds are chosen from."""
    import dataclasses

    from advisor.answer_choice import SETTINGS, choose

    answering = answering_intents()
    answerable = sum(1 for item, *_ in parsed if item["answer"])
    lines = [
        f"{len(parsed)} questions, {answerable} answerable.",
        "",
        "| answer at | times the next | answered, and right | confident wrong |",
        "|---|---|---|---|",
    ]
    for confidence in SWEEP_CONFIDENCES:
        for margin in SWEEP_MARGINS:
            settings = dataclasses.replace(SETTINGS, answer_confidence=confidence, margin=margin)
            answered = [
                (item, choice)
                for item, intent, ranking, topics in parsed
                if intent in answering
                and (choice := choose(ranking, content, topics, None, item["text"], settings)).kind == "answer"
            ]
            right = sum(choice.answer_id == item["answer"] for item, choice in answered)
            wrong = len(answered) - right
            shipped = " (shipped)" if settings == SETTINGS else ""
            lines.append(
                f"| {confidence:.2f}{shipped} | {margin:g} | {right / answerable:.1%} ({right}) "
                f"| {wrong / len(parsed):.1%} ({wrong}) |"
            )
    return lines


def also_accepted(row: dict) -> bool:
    """The answer given is one the set's writer also accepted for the question (`also`)."""
    return row["choice"].answer_id in row.get("also", ())


def question_summary(rows: list[dict], content_questions: dict) -> list[str]:
    answerable = [row for row in rows if row["answer"]]
    unanswerable = [row for row in rows if not row["answer"]]
    n = len(answerable)
    top1 = sum(row["ranked"][:1] == [row["answer"]] for row in answerable)
    top3 = sum(row["answer"] in row["ranked"][:3] for row in answerable)
    answered = [row for row in answerable if row["choice"].kind == "answer"]
    right = sum(row["choice"].answer_id == row["answer"] for row in answered)
    wrong = [row for row in rows if row["choice"].kind == "answer" and row["choice"].answer_id != row["answer"]]
    # Wrong by the expected answer, but an answer the set's writer also accepted for the question.
    also_right = [row for row in wrong if also_accepted(row)]
    asked = [row for row in answerable if row["choice"].kind == "did_you_mean"]
    asked_right = sum(row["answer"] in row["choice"].candidates for row in asked)
    topics = sum(row["choice"].kind == "topics" for row in answerable)
    other = sum(row["choice"].kind == NOT_ANSWERED for row in answerable)
    first_ok = sum(
        row["choice"].kind == "answer" and content_questions[row["answer"]].answer in row["reply"][:ANSWER_FIRST_CHARS]
        for row in answerable
    )
    first_lengths = [len(row["reply"].split("\n\n")[0]) for row in rows]
    declined = sum(row["choice"].kind != "answer" for row in unanswerable)
    confusion = Counter(
        (row["answer"], row["ranked"][0]) for row in answerable if row["ranked"] and row["ranked"][0] != row["answer"]
    )
    lines = [
        f"Held-out questions: {n} answerable, {len(unanswerable)} with no answer.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| top-1 (best-ranked answer is the expected one) | {top1 / n:.1%} ({top1}/{n}) |",
        f"| expected answer among the top three | {top3 / n:.1%} ({top3}/{n}) |",
        f"| answered, and right | {right / n:.1%} ({right}/{n}) |",
        f'| asked "Did you mean" with the right one among the three | {asked_right / n:.1%} ({asked_right}/{n}) |',
        f'| asked "Did you mean" without it | {(len(asked) - asked_right) / n:.1%} ({len(asked) - asked_right}/{n}) |',
        f"| topic list | {topics / n:.1%} ({topics}/{n}) |",
        f"| another intent's reply (out of scope, a greeting...) | {other / n:.1%} ({other}/{n}) |",
        f"| confident wrong answers (all {len(rows)} questions) | {len(wrong) / len(rows):.1%} ({len(wrong)}) |",
        f"| of those, an answer the set also accepts (`also`) | {len(also_right)} |",
        f"| no-answer questions declined or asked | {declined}/{len(unanswerable)} |",
        f"| answer-first: expected answer in the first {ANSWER_FIRST_CHARS} characters | {first_ok / n:.1%} |",
        f"| median first message (characters) | {statistics.median(first_lengths):.0f} |",
        "",
        "Confusions (expected -> ranked first), most frequent first:",
        *(f"- {expected} -> {got} ({count})" for (expected, got), count in confusion.most_common()),
        "",
        "Confident wrong answers:",
        *(
            f"- {row['text']!r}: expected {row['answer']}, answered {row['choice'].answer_id}"
            + (" (also accepted)" if also_accepted(row) else "")
            for row in wrong
        ),
        "",
        "Answerable questions another intent's reply took:",
        *(f"- {row['text']!r}: {row['reply']}" for row in answerable if row["choice"].kind == NOT_ANSWERED),
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", default="models/advisor.tar.gz")
    parser.add_argument(
        "--questions-only", action="store_true", help="only the held-out questions (no cross-validation)"
    )
    parser.add_argument(
        "--question-set", action="append", choices=[path.stem for path in HELDOUT_QUESTION_SETS],
        help="only this held-out question set (repeatable; all by default), e.g. the validation set while tuning",
    )  # fmt: skip
    parser.add_argument(
        "--sweep-thresholds", action="store_true",
        help="the answer threshold and margin grid over every held-out set but the newest (the test), pooled",
    )  # fmt: skip
    args = parser.parse_args()

    RESULTS.mkdir(exist_ok=True)
    if args.sweep_thresholds:
        validation = HELDOUT_QUESTION_SETS[:-1]
        print(f"Asking the trained model the validation sets ({len(validation)}), then sweeping...", flush=True)
        parsed = [question for path in validation for question in parse_heldout_questions(args.model, path)]
        lines = [
            "## Answer thresholds over " + ", ".join(path.stem for path in validation) + ", pooled",
            "",
            *threshold_sweep(parsed, shipped_content()),
        ]
        (RESULTS / "threshold_sweep.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("\n".join(lines))
        return
    print("Asking the trained model the held-out questions...", flush=True)
    content_questions = shipped_content().questions
    question_lines = []
    for path in HELDOUT_QUESTION_SETS:
        if args.question_set and path.stem not in args.question_set:
            continue
        rows = ask_heldout_questions(args.model, path)
        question_lines += [f"## {path.relative_to(ROOT)}", "", *question_summary(rows, content_questions), ""]
    (RESULTS / "questions.md").write_text("\n".join(question_lines) + "\n", encoding="utf-8")
    print("\n".join(question_lines))
    if args.questions_only:
        return

    runs = {}
    print(f"Cross-validating the spaCy pipeline ({args.folds} folds, a few minutes)...", flush=True)
    runs["spaCy pipeline (config.yml), cross-validation"] = rasa_test_nlu(
        RESULTS / "cv-spacy", "--nlu", "data/nlu", "--config", "config.yml", "--cross-validation",
        "--folds", str(args.folds),
    )  # fmt: skip
    print("Cross-validating the whitespace-tokenizer pipeline...", flush=True)
    runs["whitespace tokenizer, cross-validation"] = rasa_test_nlu(
        RESULTS / "cv-whitespace", "--nlu", "data/nlu", "--config", str(whitespace_config()), "--cross-validation",
        "--folds", str(args.folds),
    )  # fmt: skip
    print("Testing the trained model on the held-out set...", flush=True)
    runs["spaCy pipeline (trained model), held-out test"] = rasa_test_nlu(
        RESULTS / "heldout", "--nlu", "tests/heldout/nlu", "--model", args.model
    )

    lines = [
        f"Targets: weighted intent F1 >= {TARGET_WEIGHTED_F1}, no intent below {TARGET_MIN_INTENT_F1}.",
        "",
        "| run | weighted F1 | examples | intents below target | worst intents |",
        "|---|---|---|---|---|",
        *(summary_line(name, report) for name, report in runs.items()),
    ]
    summary = "\n".join([*lines, "", *question_lines])
    (RESULTS / "summary.md").write_text(summary + "\n", encoding="utf-8")
    print(summary)
    print(f"\nReports: {RESULTS.relative_to(ROOT)}/ (summary.md, and per run intent_report.json and errors)")


if __name__ == "__main__":
    main()
