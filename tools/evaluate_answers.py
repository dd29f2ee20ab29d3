"""Cross-validation of the answer selector on the answers' own examples, without Rasa.

k-fold (stratified by answer) over every answer's question and examples in content/questions/:
each fold trains the selector's model (rasa_server/nlu/answer_model.py) on the other folds and
ranks the held-back texts; the project's own choice (advisor/answer_choice.py) then decides
answer / "Did you mean" / topic list. Reported: top-1 and top-3 of the weighted ranking, answered
and right, confident wrong answers. The topic prior comes from a stand-in for the NLU's intent
classifier (a logistic regression over word and character counts and the MiniLM vector,
trained on data/nlu/ without the fold's held-back texts), as Rasa is not run here.

The held-out questions (tests/heldout/) are never read here. The n-gram lengths and the encoder's weight are tuned
here; C and the choice's thresholds were later chosen on held-out sets used as validation (docs/nlu.md).

  python tools/evaluate_answers.py            # the shipped settings
  python tools/evaluate_answers.py --tune     # also a grid over the model's settings, then the choice's
  python tools/evaluate_answers.py --confusions   # also the commonest wrong pairs and the weakest answers

The rule for picking settings (--tune): the model's settings with the best top-1; then the
choice's settings with the most answered and right among those whose confident wrong answers
stay at or below 1% of the examples. Writes results/answers_cv.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
import yaml
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisor.answer_choice import SETTINGS as CHOICE_SETTINGS  # noqa: E402
from advisor.answer_choice import choose, scored_candidates  # noqa: E402
from advisor.faq_content import load_content  # noqa: E402
from rasa_server.nlu.answer_model import (  # noqa: E402
    CHAR_NGRAM_MAX,
    ENCODER_WEIGHT,
    SETTINGS,
    WORD_NGRAM_MAX,
    AnswerModel,
    C,
    training_examples,
)
from rasa_server.nlu.sentence_encoder import SentenceEncoder  # noqa: E402

RESULTS = ROOT / "results"
VECTOR_CACHE = RESULTS / "answer_vectors.npz"
RANKING_LENGTH = 10  # as the selector sends for a message that is not short
MAX_CONFIDENT_WRONG = 0.01
# The model's settings tried by --tune (each against the shipped ones).
MODEL_GRID = {ENCODER_WEIGHT: [2.0, 3.0, 4.0, 6.0], C: [5.0, 10.0, 20.0, 40.0]}
NGRAM_GRID = [{CHAR_NGRAM_MAX: 5}, {WORD_NGRAM_MAX: 1}, {WORD_NGRAM_MAX: 3}]
CHOICE_GRID = {
    "answer_confidence": [0.2, 0.25, 0.3, 0.35, 0.4, 0.5],
    "margin": [1.2, 1.5, 2.0, 2.5, 3.0],
    "topic_prior_weight": [0.0, 0.5, 1.0, 2.0],
}


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def nlu_examples() -> tuple[list[str], list[str]]:
    """The intent examples in data/nlu/ (entity annotations reduced to their text)."""
    texts, intents = [], []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    texts.append(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:]).strip())
                    intents.append(block["intent"])
    return texts, intents


def encode_all(texts: list[str]) -> np.ndarray:
    """MiniLM sentence vectors, cached in results/ by text."""
    cache: dict[str, np.ndarray] = {}
    if VECTOR_CACHE.exists():
        stored = np.load(VECTOR_CACHE, allow_pickle=False)
        cache = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    missing = [text for text in dict.fromkeys(texts) if text not in cache]
    if missing:
        print(f"Encoding {len(missing)} texts with MiniLM...", flush=True)
        encoder = SentenceEncoder(ROOT / "build" / "minilm")
        for text in missing:
            cache[text] = encoder.encode(text).sentence_vector()
        RESULTS.mkdir(exist_ok=True)
        keys = list(cache)
        np.savez(VECTOR_CACHE, texts=np.array(keys), vectors=np.stack([cache[key] for key in keys]))
    return np.stack([cache[text] for text in texts])


class TopicPrior:
    """A stand-in for config.yml's intent classifier: Rasa's LogisticRegressionClassifier over word
    counts, character 2-4-gram counts and the MiniLM vector (scale 10), class-balanced."""

    def __init__(self, texts: list[str], intents: list[str], vectors: np.ndarray) -> None:
        self.words = CountVectorizer(token_pattern=r"(?u)\b\w+\b").fit(texts)
        self.chars = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), max_features=12000).fit(texts)
        self.classifier = LogisticRegression(max_iter=1000, class_weight="balanced", random_state=42)
        self.classifier.fit(self.features(texts, vectors), intents)

    def features(self, texts: list[str], vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.hstack(
            [self.words.transform(texts), self.chars.transform(texts), sparse.csr_matrix(vectors * 10.0)]
        ).tocsr()

    def confidences(self, texts: list[str], vectors: np.ndarray) -> list[dict[str, float]]:
        probabilities = self.classifier.predict_proba(self.features(texts, vectors))
        return [dict(zip(self.classifier.classes_, map(float, row), strict=True)) for row in probabilities]


@dataclasses.dataclass
class Fold:
    """One fold's held-back texts with their expected answer, ranking and topic confidences."""

    texts: list[str]
    expected: list[str]
    rankings: list[list[dict]]
    topics: list[dict[str, float]]


def cross_validate(model_settings: dict, folds: int, data: dict) -> list[Fold]:
    texts, labels, vectors = data["texts"], data["labels"], data["vectors"]
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(texts, labels)
    result = []
    for train, test in splits:
        model = AnswerModel.train([texts[i] for i in train], [labels[i] for i in train], vectors[train], model_settings)
        held_back = [texts[i] for i in test]
        rankings = [ranking[:RANKING_LENGTH] for ranking in model.rank_many(held_back, vectors[test], RANKING_LENGTH)]
        topics = data["topic_priors"][tuple(test)]
        result.append(Fold(held_back, [labels[i] for i in test], rankings, topics))
    return result


def topic_priors(folds: int, data: dict) -> dict:
    """Per fold, the stand-in intent classifier trained without that fold's held-back texts: on
    data/nlu/ and, as config.yml's importer adds them, the other folds' answer examples under their topic."""
    texts, labels, topics = data["texts"], data["labels"], data["topics"]
    nlu_texts, nlu_intents, nlu_vectors = data["nlu_texts"], data["nlu_intents"], data["nlu_vectors"]
    priors = {}
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(texts, labels):
        held_back = {normalised(texts[i]) for i in test}
        keep = [i for i, text in enumerate(nlu_texts) if normalised(text) not in held_back]
        prior = TopicPrior(
            [nlu_texts[i] for i in keep] + [texts[i] for i in train],
            [nlu_intents[i] for i in keep] + [topics[i] for i in train],
            np.vstack([nlu_vectors[keep], data["vectors"][train]]),
        )
        priors[tuple(test)] = prior.confidences([texts[i] for i in test], data["vectors"][test])
    return priors


def score(folds: list[Fold], content, settings) -> dict[str, float]:
    n = top1 = top3 = right = wrong = asked = asked_right = topics = 0
    for fold in folds:
        for text, expected, ranking, topic in zip(fold.texts, fold.expected, fold.rankings, fold.topics, strict=True):
            ranked = [answer_id for answer_id, _ in scored_candidates(ranking, content, topic, None, text, settings)]
            choice = choose(ranking, content, topic, None, text, settings)
            n += 1
            top1 += ranked[:1] == [expected]
            top3 += expected in ranked[:3]
            if choice.kind == "answer":
                right += choice.answer_id == expected
                wrong += choice.answer_id != expected
            elif choice.kind == "did_you_mean":
                asked += 1
                asked_right += expected in choice.candidates
            else:
                topics += 1
    return {
        "top-1": top1 / n, "top-3": top3 / n, "answered right": right / n, "confident wrong": wrong / n,
        "did you mean, right in three": asked_right / n, "did you mean, not in three": (asked - asked_right) / n,
        "topic list": topics / n, "n": n,
    }  # fmt: skip


def confusions(folds: list[Fold], content, settings, shown: int = 20) -> list[str]:
    """The commonest expected -> top-1 pairs when the top-1 is wrong (with how many of them were
    answered outright, and one text), then the answers with the lowest top-1 recall."""
    pairs: Counter = Counter()
    confident: Counter = Counter()
    sample: dict[tuple[str, str], str] = {}
    seen: Counter = Counter()
    hits: Counter = Counter()
    for fold in folds:
        for text, expected, ranking, topic in zip(fold.texts, fold.expected, fold.rankings, fold.topics, strict=True):
            ranked = scored_candidates(ranking, content, topic, None, text, settings)
            predicted = ranked[0][0] if ranked else "(none)"
            seen[expected] += 1
            if predicted == expected:
                hits[expected] += 1
                continue
            pair = (expected, predicted)
            pairs[pair] += 1
            sample.setdefault(pair, text)
            choice = choose(ranking, content, topic, None, text, settings)
            confident[pair] += choice.kind == "answer" and choice.answer_id == predicted
    lines = ["", "Commonest wrong top-1 (expected -> predicted: wrong, of them answered outright; one text):", ""]
    lines += [f'- {a} -> {b}: {n}, {confident[(a, b)]}; "{sample[(a, b)]}"' for (a, b), n in pairs.most_common(shown)]
    recall = sorted(seen, key=lambda answer: (hits[answer] / seen[answer], answer))
    lines += ["", "Lowest top-1 recall:", ""]
    lines += [f"- {answer}: {hits[answer]}/{seen[answer]}" for answer in recall[:shown] if hits[answer] < seen[answer]]
    return lines


def row(label: str, scores: dict) -> str:
    return (
        f"| {label} | {scores['top-1']:.1%} | {scores['top-3']:.1%} | {scores['answered right']:.1%} "
        f"| {scores['did you mean, right in three']:.1%} | {scores['confident wrong']:.1%} |"
    )


HEADER = [
    "| settings | top-1 | top-3 | answered, right | did you mean, right in three | confident wrong |",
    "|---|---|---|---|---|---|",
]


def best_by_top1(
    base: dict, changes: list[dict], best: tuple, folds: int, data: dict, content, tried: list[str]
) -> tuple:
    """Cross-validates base with each change and keeps (settings, folds, scores) of the best top-1 so
    far; each tried setting's row goes into tried (and is printed as it comes)."""
    for change in changes:
        settings = {**base, **change}
        if settings == SETTINGS:
            continue  # the shipped settings, scored before any grid
        cv_folds = cross_validate(settings, folds, data)
        scores = score(cv_folds, content, CHOICE_SETTINGS)
        tried.append(row(describe(settings), scores))
        print(tried[-1], flush=True)
        if scores["top-1"] > best[2]["top-1"]:
            best = (settings, cv_folds, scores)
    return best


def describe(settings: dict) -> str:
    return ", ".join(f"{key} {value:g}" for key, value in settings.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--tune", action="store_true", help="grid over the model's settings, then the choice's")
    parser.add_argument("--tune-choice", action="store_true", help="only the choice's settings, on the shipped model")
    parser.add_argument("--confusions", action="store_true", help="the commonest wrong pairs and weakest answers")
    args = parser.parse_args()

    started = time.time()
    content = load_content(ROOT / "content", dt.date.today())
    texts, labels = training_examples(content)
    nlu_texts, nlu_intents = nlu_examples()
    vectors = encode_all([*texts, *nlu_texts])
    data = {
        "texts": texts, "labels": labels, "topics": [content.questions[label].topic for label in labels],
        "vectors": vectors[: len(texts)],
        "nlu_texts": nlu_texts, "nlu_intents": nlu_intents, "nlu_vectors": vectors[len(texts):],
    }  # fmt: skip
    data["topic_priors"] = topic_priors(args.folds, data)
    lines = [
        f"Cross-validation of the answer selector ({args.folds} folds, stratified by answer) over "
        f"{len(texts)} questions and examples of {len(set(labels))} answers; the choice as shipped unless "
        "stated (advisor/answer_choice.py).",
        "",
    ]
    shipped = cross_validate(SETTINGS, args.folds, data)
    shipped_scores = score(shipped, content, CHOICE_SETTINGS)
    lines += [*HEADER, row(f"shipped: {describe(SETTINGS)}", shipped_scores)]
    if args.confusions:
        lines += confusions(shipped, content, CHOICE_SETTINGS)
    print("\n".join(lines), flush=True)

    best_settings, best_folds, best_scores = SETTINGS, shipped, shipped_scores
    if args.tune:
        tried: list[str] = []
        grid = [dict(zip(MODEL_GRID, values, strict=True)) for values in itertools.product(*MODEL_GRID.values())]
        best = best_by_top1(SETTINGS, grid, (SETTINGS, shipped, shipped_scores), args.folds, data, content, tried)
        # The n-gram lengths, each tried on the best encoder weight and C.
        best_settings, best_folds, best_scores = best_by_top1(
            best[0], NGRAM_GRID, best, args.folds, data, content, tried
        )
        lines += [*tried, "", f"Best model settings by top-1: {describe(best_settings)}.", ""]
    if args.tune or args.tune_choice:
        choices = []
        for values in itertools.product(*CHOICE_GRID.values()):
            settings = dataclasses.replace(CHOICE_SETTINGS, **dict(zip(CHOICE_GRID, values, strict=True)))
            choices.append((settings, score(best_folds, content, settings)))
        allowed = [item for item in choices if item[1]["confident wrong"] <= MAX_CONFIDENT_WRONG]
        if allowed:
            best_label = "best allowed"
            best_choice = max(allowed, key=lambda item: (item[1]["answered right"], -item[1]["confident wrong"]))
        else:  # none meets the bound: the least confident wrong, so that nothing is shipped on this grid
            best_label = f"none at or below {MAX_CONFIDENT_WRONG:.0%}; least confident wrong"
            best_choice = min(choices, key=lambda item: (item[1]["confident wrong"], -item[1]["answered right"]))
        ranked_choices = sorted(choices, key=lambda item: -item[1]["answered right"])
        lines += [
            f"The choice's settings with those model settings (confident wrong at most {MAX_CONFIDENT_WRONG:.0%}, "
            "then most answered and right), the ten with most answered and right, and the best allowed:",
            "",
            *HEADER,
            *(row(describe({k: getattr(s, k) for k in CHOICE_GRID}), sc) for s, sc in ranked_choices[:10]),
            row(f"**{best_label}: " + describe({k: getattr(best_choice[0], k) for k in CHOICE_GRID}) + "**",
                best_choice[1]),
        ]  # fmt: skip
    lines += ["", f"({time.time() - started:.0f} s)"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "answers_cv.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[len(HEADER) + 3 :]))


if __name__ == "__main__":
    main()
