"""The numpy MiniLM encoder against reference output of sentence-transformers 6.2 (torch 2.13)
on the same weights, and the Rasa featurizer's alignment of wordpieces to tokens."""

import numpy as np
import pytest
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from rasa_server.nlu.featurizer import SentenceEncoderFeaturizer
from rasa_server.nlu.sentence_encoder import SentenceEncoder
from tests.conftest import ROOT

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


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder(ROOT / "build" / "minilm")


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
