"""Shared by every test room: the project's paths and its YAML files, read once per run.

tests/unit needs no model, server or npm; tests/rasa_server needs the built NLU pieces (`make spacy
encoder`); tests/e2e starts the real servers (`make model web`).
"""

from pathlib import Path

import pytest
import yaml

from rasa_server.quiet import quieten

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
# Importing sanic (through rasa_sdk) turns third-party deprecation notices back on for the whole run;
# pyproject.toml's filter only covers the tests themselves.
quieten()


def read_yaml(relative_path: str):
    return yaml.safe_load((ROOT / relative_path).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def domain():
    return read_yaml("domain.yml")


@pytest.fixture(scope="session")
def dialogue_steps():
    """Every step of every rule and story in data/, as (file, step) pairs."""
    steps = []
    for path in sorted((ROOT / "data").glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("rules", []) + data.get("stories", []):
            steps.extend((path.name, step) for step in block.get("steps", []))
    return steps
