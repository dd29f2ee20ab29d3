"""Rasa's ResponseSelector on the held-out questions, beside the shipped answer selector (a report).

Builds a temporary training set under results/response_selector/: every answer's
question and examples from content/questions/ as the retrieval intent faq/<answer id>, and a
domain whose responses are placeholders (the answer id), so no answer text goes into any domain;
the shipped bot's domain.yml is not touched. The NLU pipeline is config.yml's featurizers
(spaCy tokens, word and character counts, MiniLM) followed by ResponseSelector. The trained
model ranks the held-out questions (tests/heldout/questions.yml); the topic prior and the
choice are the shipped ones (the intent ranking of models/advisor.tar.gz, advisor/answer_choice.py),
so only the ranking differs. Scored as tools/evaluate_nlu.py scores the shipped method.

  python tools/evaluate_response_selector.py [--epochs 100]   # about 11 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.faq_content import load_content  # noqa: E402
from rasa_server.quiet import quieten_in_process  # noqa: E402
from tools.evaluate_nlu import HELDOUT_QUESTIONS, RASA, heldout_questions, question_summary, score_question  # noqa: E402

WORK = ROOT / "results" / "response_selector"
RETRIEVAL_INTENT = "faq"
FEATURIZERS = (
    "SpacyNLP",
    "SpacyTokenizer",
    "CountVectorsFeaturizer",
    "rasa_server.nlu.featurizer.SentenceEncoderFeaturizer",
)


def training_set(content, epochs: int) -> None:
    """config, domain and NLU data for a ResponseSelector over the answers, under WORK."""
    WORK.mkdir(parents=True, exist_ok=True)
    shipped = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    pipeline = [component for component in shipped["pipeline"] if component["name"] in FEATURIZERS]
    pipeline.append(
        {"name": "ResponseSelector", "retrieval_intent": RETRIEVAL_INTENT, "epochs": epochs,
         "constrain_similarities": True, "ranking_length": 10}
    )  # fmt: skip
    config = {"recipe": "default.v1", "language": shipped["language"], "pipeline": pipeline, "policies": []}
    (WORK / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    # Placeholder responses: ResponseSelector learns from the examples and the response keys.
    domain = {
        "version": "3.1",
        "intents": [RETRIEVAL_INTENT],
        "responses": {
            f"utter_{RETRIEVAL_INTENT}/{answer_id}": [{"text": answer_id}] for answer_id in content.questions
        },
    }
    (WORK / "domain.yml").write_text(yaml.safe_dump(domain, sort_keys=False), encoding="utf-8")
    nlu = {
        "version": "3.1",
        "nlu": [
            {
                "intent": f"{RETRIEVAL_INTENT}/{answer.id}",
                "examples": "".join(f"- {text}\n" for text in dict.fromkeys((answer.question, *answer.examples))),
            }
            for answer in content.questions.values()
        ],
    }
    (WORK / "nlu.yml").write_text(yaml.safe_dump(nlu, sort_keys=False, allow_unicode=True), encoding="utf-8")


def train() -> float:
    started = time.time()
    with (WORK / "train.log").open("w") as log:
        subprocess.run(
            [*RASA, "train", "nlu", "--config", str(WORK / "config.yml"), "--domain", str(WORK / "domain.yml"),
             "--nlu", str(WORK / "nlu.yml"), "--out", str(WORK / "models"), "--fixed-model-name", "response_selector"],
            cwd=ROOT, stdout=log, stderr=log, check=True,
        )  # fmt: skip
    return time.time() - started


def ask(content, shipped_model: str) -> list[dict]:
    quieten_in_process()
    from rasa.core.agent import Agent

    selector = Agent.load(str(WORK / "models" / "response_selector.tar.gz"))
    shipped = Agent.load(str(ROOT / shipped_model))
    rows = []
    for item in heldout_questions(HELDOUT_QUESTIONS):
        parsed = asyncio.run(selector.parse_message(item["text"]))
        entries = parsed.get("response_selector", {}).get(RETRIEVAL_INTENT, {}).get("ranking") or []
        ranking = [
            {"id": entry["intent_response_key"].split("/", 1)[1], "confidence": entry["confidence"]}
            for entry in entries
        ]
        parsed_intents = asyncio.run(shipped.parse_message(item["text"]))
        topics = {entry["name"]: entry["confidence"] for entry in parsed_intents.get("intent_ranking") or []}
        rows.append(score_question(item, parsed_intents["intent"]["name"], ranking, topics, content))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--model", default="models/advisor.tar.gz", help="the shipped model (its topic prior)")
    parser.add_argument("--no-train", action="store_true", help="reuse the last trained ResponseSelector")
    args = parser.parse_args()
    content = load_content(ROOT / "content", dt.date.today())
    training_set(content, args.epochs)
    seconds = None
    if not args.no_train:
        print(
            f"Training ResponseSelector ({args.epochs} epochs; log in {WORK.relative_to(ROOT)}/train.log)...",
            flush=True,
        )
        seconds = train()
    lines = [
        f"ResponseSelector ({args.epochs} epochs"
        + (f", trained in {seconds:.0f} s" if seconds else "")
        + "), the shipped topic prior and choice:",
        "",
        *question_summary(ask(content, args.model), content.questions),
    ]
    (WORK / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
