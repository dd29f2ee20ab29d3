"""Builds the MiniLM sentence encoder's ONNX graph from its safetensors weights (`make encoder`).

The graph is written op by op with the `onnx` package from the weights `tools/fetch_encoder.py`
unpacked into build/minilm, so it needs neither torch nor a model hub. It is the BERT forward pass
(Devlin et al., 2019) for one sentence, the same maths as the numpy reference in
tests/rasa_server/test_sentence_encoder.py: token ids in, one contextual vector per wordpiece out.
ONNX Runtime then runs it (rasa_server/nlu/sentence_encoder.py) about three times faster than
numpy did, on one thread, with vectors equal to 1e-5 (docs/performance.md).

Usage: python tools/build_encoder_graph.py build/minilm
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

GRAPH_FILE = "encoder.onnx"
INPUT, OUTPUT = "input_ids", "vectors"
OPSET = 17  # the first with LayerNormalization; ONNX Runtime 1.23 runs up to 23


class GraphWriter:
    """Collects nodes and weights, naming each intermediate result after the node that makes it."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.weights: list[onnx.TensorProto] = []

    def weight(self, name: str, array: np.ndarray) -> str:
        self.weights.append(numpy_helper.from_array(array, name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str, outputs: int = 1, **attributes) -> str | list[str]:
        names = [name] if outputs == 1 else [f"{name}.{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=name, **attributes))
        return names[0] if outputs == 1 else names


def build(model_dir: Path) -> onnx.ModelProto:
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    heads, hidden, eps = config["num_attention_heads"], config["hidden_size"], config["layer_norm_eps"]
    head_size = hidden // heads
    w = load_file(str(model_dir / "model.safetensors"))
    g = GraphWriter()

    def linear(x: str, name: str) -> str:
        # PyTorch's Linear stores its weight as (out, in); MatMul wants (in, out).
        weight = g.weight(f"{name}.weight", np.ascontiguousarray(w[f"{name}.weight"].T))
        return g.op("Add", [g.op("MatMul", [x, weight], f"{name}.matmul"), g.weight(f"{name}.bias", w[f"{name}.bias"])],
                    name)  # fmt: skip

    def norm(x: str, name: str) -> str:
        scale, bias = g.weight(f"{name}.weight", w[f"{name}.weight"]), g.weight(f"{name}.bias", w[f"{name}.bias"])
        return g.op("LayerNormalization", [x, scale, bias], name, axis=-1, epsilon=eps)

    heads_shape = g.weight("heads_shape", np.array([-1, heads, head_size], dtype=np.int64))
    hidden_shape = g.weight("hidden_shape", np.array([-1, hidden], dtype=np.int64))
    score_scale = g.weight("score_scale", np.array(1 / np.sqrt(head_size), dtype=np.float32))
    half, one = g.weight("half", np.array(0.5, dtype=np.float32)), g.weight("one", np.array(1.0, dtype=np.float32))
    sqrt2 = g.weight("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))

    def attention(x: str, prefix: str) -> str:
        # Query, key and value in one matrix product, then split.
        names = [f"{prefix}.self.{part}" for part in ("query", "key", "value")]
        weight = np.concatenate([w[f"{name}.weight"].T for name in names], axis=1)
        bias = np.concatenate([w[f"{name}.bias"] for name in names])
        qkv = g.op("Add", [g.op("MatMul", [x, g.weight(f"{prefix}.qkv.weight", weight)], f"{prefix}.qkv.matmul"),
                           g.weight(f"{prefix}.qkv.bias", bias)], f"{prefix}.qkv")  # fmt: skip
        query, key, value = (
            g.op("Reshape", [part, heads_shape], f"{part}.heads")
            for part in g.op("Split", [qkv], f"{prefix}.split", outputs=3, axis=-1)
        )
        query = g.op("Transpose", [query], f"{prefix}.query", perm=[1, 0, 2])  # (heads, length, head_size)
        key = g.op("Transpose", [key], f"{prefix}.key", perm=[1, 2, 0])  # (heads, head_size, length)
        value = g.op("Transpose", [value], f"{prefix}.value", perm=[1, 0, 2])
        scores = g.op("Mul", [g.op("MatMul", [query, key], f"{prefix}.dot"), score_scale], f"{prefix}.scores")
        probabilities = g.op("Softmax", [scores], f"{prefix}.probabilities", axis=-1)
        mixed = g.op("MatMul", [probabilities, value], f"{prefix}.mix")
        context = g.op("Transpose", [mixed], f"{prefix}.t", perm=[1, 0, 2])  # (length, heads, head_size)
        return linear(g.op("Reshape", [context, hidden_shape], f"{prefix}.context"), f"{prefix}.output.dense")

    def gelu(x: str, name: str) -> str:
        # The exact GELU, x·Φ(x) with Φ via erf, as BERT's "gelu"; ONNX Runtime fuses it into one kernel.
        erf = g.op("Erf", [g.op("Div", [x, sqrt2], f"{name}.scaled")], f"{name}.erf")
        return g.op("Mul", [g.op("Mul", [x, half], f"{name}.half"), g.op("Add", [erf, one], f"{name}.cdf")], name)

    length = g.op("Shape", [INPUT], "length")
    positions = g.op("Slice", [g.weight("embeddings.position_embeddings.weight",
                                        w["embeddings.position_embeddings.weight"]),
                               g.weight("zero", np.array([0], dtype=np.int64)), length], "positions")  # fmt: skip
    words = g.op("Gather", [g.weight("embeddings.word_embeddings.weight", w["embeddings.word_embeddings.weight"]),
                            INPUT], "words", axis=0)  # fmt: skip
    # Every wordpiece is in segment 0 (one sentence).
    segment = g.weight("embeddings.token_type_embeddings.weight", w["embeddings.token_type_embeddings.weight"][0])
    x = g.op("Add", [g.op("Add", [words, positions], "words_at_positions"), segment], "embedded")
    x = norm(x, "embeddings.LayerNorm")
    for layer in range(config["num_hidden_layers"]):
        prefix = f"encoder.layer.{layer}"
        attended = g.op("Add", [x, attention(x, f"{prefix}.attention")], f"{prefix}.attention.residual")
        x = norm(attended, f"{prefix}.attention.output.LayerNorm")
        intermediate = gelu(linear(x, f"{prefix}.intermediate.dense"), f"{prefix}.intermediate.gelu")
        output = g.op("Add", [x, linear(intermediate, f"{prefix}.output.dense")], f"{prefix}.output.residual")
        x = norm(output, f"{prefix}.output.LayerNorm")
    g.nodes.append(helper.make_node("Identity", [x], [OUTPUT], name="output"))

    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info(INPUT, TensorProto.INT64, ["wordpieces"])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["wordpieces", hidden])],
        initializer=g.weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=Path(__file__).name)
    onnx.checker.check_model(model, full_check=True)
    return model


def main(model_dir: str) -> None:
    directory = Path(model_dir)
    target = directory / GRAPH_FILE
    partial = target.with_suffix(".partial")  # a failed build never leaves a graph behind
    onnx.save(build(directory), str(partial))
    partial.replace(target)


if __name__ == "__main__":
    main(sys.argv[1])
