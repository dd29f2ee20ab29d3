"""Turns content/terms.yml into the spaCy entity ruler's JSONL patterns (`make spacy` runs it).

Usage: python tools/build_spacy_patterns.py content/terms.yml build/spacy/patterns.jsonl

Each pattern carries the canonical name as its spaCy `id`, so code that reads the
pipeline directly can normalise variants ("magnetic resonance" -> "MRI").
"""

import json
import sys
from pathlib import Path

import yaml


def patterns_from_terms(terms: dict) -> list:
    patterns = []
    for label, canonical_names in terms.items():
        for canonical, variants in canonical_names.items():
            for variant in dict.fromkeys([canonical, *variants]):
                patterns.append({"label": label, "pattern": str(variant), "id": canonical})
    return patterns


def main(terms_path: str, output_path: str) -> None:
    terms = yaml.safe_load(Path(terms_path).read_text(encoding="utf-8"))
    output = Path(output_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(pattern, ensure_ascii=False) for pattern in patterns_from_terms(terms))
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
