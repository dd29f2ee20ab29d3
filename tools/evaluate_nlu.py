"""NLU accuracy report (`make evaluate`): a report, not a test.

Runs 5-fold cross-validation of the shipped pipeline (config.yml, spaCy tokens and
lemmas) and of the comparison pipeline (the same with Rasa's WhitespaceTokenizer),
then tests the trained model on the held-out set in tests/heldout/nlu/ that training never
sees. Writes Rasa's reports under results/ and a summary to results/summary.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RASA = [sys.executable, "-m", "rasa_server"]
RESULTS = ROOT / "results"
TARGET_WEIGHTED_F1 = 0.95
TARGET_MIN_INTENT_F1 = 0.85
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--model", default="models/advisor.tar.gz")
    args = parser.parse_args()

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
    summary = "\n".join(lines)
    (RESULTS / "summary.md").write_text(summary + "\n", encoding="utf-8")
    print(summary)
    print(f"\nReports: {RESULTS.relative_to(ROOT)}/ (summary.md, and per run intent_report.json and errors)")


if __name__ == "__main__":
    main()
