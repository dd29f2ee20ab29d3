"""Turns content/terms.yml and content/specialisms.yml into the spaCy entity ruler's JSONL patterns.

Usage: python tools/build_spacy_patterns.py content/terms.yml build/spacy/patterns.jsonl
(`make spacy` runs it; the specialisms are read from specialisms.yml beside terms.yml, so the
route advisor and the entity ruler share one list).

Each pattern carries the canonical name as its spaCy `id`, so code that reads the
pipeline directly can normalise variants ("magnetic resonance" -> "MRI").
"""

import json
import sys
from pathlib import Path

import yaml


def all_terms(terms_path: Path) -> dict:
    """terms.yml's labels, plus the `specialism` label from specialisms.yml (canonical name -> variants)."""
    terms = yaml.safe_load(terms_path.read_text(encoding="utf-8"))
    specialisms = yaml.safe_load((terms_path.parent / "specialisms.yml").read_text(encoding="utf-8"))
    terms["specialism"] = {name: entry.get("synonyms", []) for name, entry in specialisms["specialisms"].items()}
    return terms


def patterns_from_terms(terms: dict) -> list:
    patterns = []
    for label, canonical_names in terms.items():
        for canonical, variants in canonical_names.items():
            for variant in dict.fromkeys([canonical, *variants]):
                patterns.append({"label": label, "pattern": str(variant), "id": canonical})
    return patterns


def main(terms_path: str, output_path: str) -> None:
    output = Path(output_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(pattern, ensure_ascii=False) for pattern in patterns_from_terms(all_terms(Path(terms_path))))
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
