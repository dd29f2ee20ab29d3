"""The Rasa server's process (`python -m rasa_server`) runs without JAX: TensorFlow would import it, and its
XLA library costs about 60 MB of resident memory (docs/performance.md)."""

import subprocess
import sys

from tests.conftest import ROOT

CHECK = """
import sys
import rasa_server.__main__  # what `python -m rasa_server` runs first (its command line not run)
import tensorflow  # what Rasa imports; its tensorflow.lite.python.util imports JAX when it can
assert sys.modules["jax"] is None, sys.modules["jax"]
assert sys.modules["tensorflow.lite.python.util"]._xla_computation is None
assert not [name for name in sys.modules if name.startswith("jaxlib")]
print("without jax")
"""


def test_the_rasa_server_process_does_not_import_jax():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("without jax")
