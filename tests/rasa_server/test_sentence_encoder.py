"""The MiniLM encoder on ONNX Runtime against a numpy forward pass of the same weights and against
reference output of sentence-transformers 6.2 (torch 2.13), and the Rasa featurizer's alignment of
wordpieces to tokens."""

import json

import numpy as np
import pytest
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from safetensors.numpy import load_file
from scipy.special import erf

from rasa_server.nlu.featurizer import SentenceEncoderFeaturizer
from rasa_server.nlu.sentence_encoder import SentenceEncoder
from tests.conftest import ROOT, read_yaml

MODEL_DIR = ROOT / "build" / "minilm"

SENTENCES = [
    "How long does HSST take?",
    "What is the duration of the higher specialist scientist training programme?",
    "Can I skip Part C if I have a PhD?",
    "whats the weather tomorrow",
]
# SentenceTransformer("build/minilm").encode(SENTENCES)[:, :4] and the cosine matrix.
REFERENCE_FIRST_DIMS = np.array(
    [
        [0.00271854, 0.00362363, -0.00188688, 0.00572515],
        [-0.00676011, 0.03797983, 0.00901905, 0.06976409],
        [0.01323135, 0.03683877, 0.07053924, -0.01710787],
        [-0.05865878, 0.06371233, 0.10309685, 0.04258169],
    ]
)
REFERENCE_COSINES = np.array(
    [[1.0, 0.344, 0.122, 0.001], [0.344, 1.0, 0.188, -0.016], [0.122, 0.188, 1.0, -0.018], [0.001, -0.016, -0.018, 1.0]]
)


class NumpyMiniLM:
    """The reference: BERT's forward pass (Devlin et al., 2019) written out in numpy from the
    safetensors weights, independently of tools/build_encoder_graph.py. It was the shipped encoder
    before ONNX Runtime, and matched sentence-transformers to 1e-6."""

    def __init__(self) -> None:
        config = json.loads((MODEL_DIR / "config.json").read_text(encoding="utf-8"))
        self.heads, self.layers = config["num_attention_heads"], config["num_hidden_layers"]
        self.eps, self.hidden = config["layer_norm_eps"], config["hidden_size"]
        self.w = load_file(str(MODEL_DIR / "model.safetensors"))

    def linear(self, x, name):
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]  # PyTorch stores (out, in)

    def norm(self, x, name):
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self.eps) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def attention(self, x, prefix):
        length, head_size = x.shape[0], self.hidden // self.heads

        def heads(name):
            return self.linear(x, f"{prefix}.self.{name}").reshape(length, self.heads, head_size).transpose(1, 0, 2)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 2, 1) / np.sqrt(head_size)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        context = (scores / scores.sum(axis=-1, keepdims=True)) @ value
        return self.linear(context.transpose(1, 0, 2).reshape(length, self.hidden), f"{prefix}.output.dense")

    def vectors(self, ids: list[int]) -> np.ndarray:
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self.norm(x, "embeddings.LayerNorm")
        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}"
            x = self.norm(x + self.attention(x, f"{prefix}.attention"), f"{prefix}.attention.output.LayerNorm")
            hidden = self.linear(x, f"{prefix}.intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))
            x = self.norm(x + self.linear(hidden, f"{prefix}.output.dense"), f"{prefix}.output.LayerNorm")
        return x


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder.shared(MODEL_DIR)


def test_onnx_vectors_equal_the_numpy_forward_pass_for_every_benchmark_message(encoder):
    """Every wordpiece vector of every message the benchmark sends, plus edge cases: an empty text,
    one character, and a text longer than the model's 256 wordpieces (truncated)."""
    reference = NumpyMiniLM()
    texts = [
        text for conversation in read_yaml("tools/bench/conversations.yml")["conversations"] for text in conversation
    ]
    texts += ["", "x", "HSST " * 300]
    worst = 0.0
    for text in texts:
        encoding = encoder.encode(text)
        expected = reference.vectors(encoder.tokenizer.encode(text).ids)
        assert encoding.vectors.shape == expected.shape
        worst = max(worst, float(np.abs(encoding.vectors - expected).max()))
    assert worst < 1e-5, worst
    assert encoder.encode("HSST " * 300).vectors.shape[0] == 256


def test_one_session_per_process_on_one_thread():
    first, second = SentenceEncoder.shared(MODEL_DIR), SentenceEncoder.shared(MODEL_DIR)
    assert first is second
    options = first.session.get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)


def test_sentence_vectors_match_sentence_transformers(encoder):
    vectors = np.array([encoder.encode(text).sentence_vector() for text in SENTENCES])
    assert vectors.shape == (4, 384)
    np.testing.assert_allclose(vectors[:, :4], REFERENCE_FIRST_DIMS, atol=1e-6)
    np.testing.assert_allclose(vectors @ vectors.T, REFERENCE_COSINES, atol=1e-3)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_span_vectors_average_the_wordpieces_of_a_word(encoder):
    encoding = encoder.encode("HSST duration")
    hsst_rows = [i for i, span in enumerate(encoding.spans) if span and span[1] <= 4]
    assert len(hsst_rows) > 1  # "HSST" is split into several wordpieces
    np.testing.assert_allclose(encoding.span_vector(0, 4), encoding.vectors[hsst_rows].mean(axis=0), atol=1e-6)
    assert not encoding.span_vector(100, 104).any()


@pytest.mark.parametrize("scale", [1.0, 10.0])
def test_featurizer_adds_one_sequence_row_per_token_and_a_scaled_sentence_vector(encoder, scale):
    config = {
        **SentenceEncoderFeaturizer.get_default_config(),
        "model_path": str(ROOT / "build" / "minilm"),
        "scale": scale,
    }
    featurizer = SentenceEncoderFeaturizer(config, "sentence_encoder", encoder=encoder)
    text = "Can I skip Part C?"
    tokens = [Token(word, text.index(word)) for word in ["Can", "I", "skip", "Part", "C", "?"]]
    message = Message(data={"text": text, "text_tokens": tokens})
    featurizer.process([message])
    sequence, sentence = message.get_dense_features("text")
    assert sequence.features.shape == (6, 384)
    assert sentence.features.shape == (1, 384)
    np.testing.assert_allclose(sentence.features[0], scale * encoder.encode(text).sentence_vector(), atol=1e-5)
    np.testing.assert_allclose(sequence.features[2], scale * encoder.encode(text).span_vector(6, 10), atol=1e-5)
