"""Shared fixtures: the project's paths and its YAML files, read once per run."""

import os
import warnings
from pathlib import Path

import pytest
import sanic  # noqa: F401  (imported first: see below)
import yaml

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Importing sanic (through rasa_sdk) turns third-party deprecation notices back on for the whole run;
# pyproject.toml's filter only covers the tests themselves, so silence them again after that import.
warnings.filterwarnings("ignore", category=DeprecationWarning)
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


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
