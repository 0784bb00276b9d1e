"""A DistilBERT-shaped sequence classifier with random weights, for benchmarks only.

The project's trained model (train.py) is deliberately small: one attention layer of
width 64, so tests and CI stay fast. Its forward pass costs about 0.1 ms per document,
far less than any HTTP request, so a benchmark on it measures little but the service's
fixed per-request cost. The models the service is built for are DistilBERT/SciBERT
class; this script writes one with that architecture (6 post-norm transformer layers,
width 768, 12 heads, GELU feed-forward of 3072, a [CLS] pre-classifier) and the
project model's tokenizer and labels, so the benchmark can also report the service's
overhead where the model does the work it does in production. The weights are random:
its answers mean nothing, its timings do.
"""

import argparse
import json
import pathlib
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LAYERS, DIM, HEADS, FFN, MAX_POSITIONS = 6, 768, 12, 3072, 512
HEAD_DIM = DIM // HEADS
MASKED = -1e4


class Graph:
    """Collects nodes and initializers; names are unique per call site and layer."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.nodes: list[onnx.NodeProto] = []
        self.init: list[onnx.TensorProto] = []

    def const(self, name: str, value: np.ndarray) -> str:
        self.init.append(numpy_helper.from_array(value, name))
        return name

    def weight(self, name: str, *shape: int) -> str:
        # BERT's initialiser: normal with standard deviation 0.02.
        return self.const(name, (self.rng.normal(0, 0.02, shape)).astype(np.float32))

    def op(self, kind: str, inputs: list[str], output: str, **attrs) -> str:
        self.nodes.append(helper.make_node(kind, inputs, [output], **attrs))
        return output

    def linear(self, x: str, name: str, rows: int, cols: int) -> str:
        w = self.weight(f"{name}.weight", rows, cols)
        b = self.const(f"{name}.bias", np.zeros(cols, np.float32))
        return self.op("Add", [self.op("MatMul", [x, w], f"{name}.mm"), b], f"{name}.out")

    def layer_norm(self, x: str, name: str) -> str:
        gamma = self.const(f"{name}.gamma", np.ones(DIM, np.float32))
        beta = self.const(f"{name}.beta", np.zeros(DIM, np.float32))
        return self.op("LayerNormalization", [x, gamma, beta], f"{name}.out", axis=-1, epsilon=1e-12)


def attention(g: Graph, x: str, bias: str, name: str) -> str:
    """Multi-head self-attention: [batch, seq, DIM] -> [batch, seq, DIM]."""

    def heads(t: str, perm: list[int]) -> str:
        split = g.op("Reshape", [t, "heads_shape"], f"{t}.split")
        return g.op("Transpose", [split], f"{t}.heads", perm=perm)

    q = heads(g.linear(x, f"{name}.q", DIM, DIM), [0, 2, 1, 3])
    k = heads(g.linear(x, f"{name}.k", DIM, DIM), [0, 2, 3, 1])
    v = heads(g.linear(x, f"{name}.v", DIM, DIM), [0, 2, 1, 3])
    scores = g.op("Mul", [g.op("MatMul", [q, k], f"{name}.qk"), "scale"], f"{name}.scaled")
    probs = g.op("Softmax", [g.op("Add", [scores, bias], f"{name}.biased")], f"{name}.p", axis=-1)
    context = g.op("Transpose", [g.op("MatMul", [probs, v], f"{name}.ctx")], f"{name}.ctx_t",
                   perm=[0, 2, 1, 3])
    merged = g.op("Reshape", [context, "merge_shape"], f"{name}.merged")
    return g.linear(merged, f"{name}.o", DIM, DIM)


def gelu(g: Graph, x: str, name: str) -> str:
    """The exact (erf) GELU DistilBERT uses; ONNX Runtime fuses this pattern into one op."""
    erf = g.op("Erf", [g.op("Div", [x, "sqrt2"], f"{name}.div")], f"{name}.erf")
    half = g.op("Mul", [x, "half"], f"{name}.half")
    return g.op("Mul", [half, g.op("Add", [erf, "onef"], f"{name}.plus1")], f"{name}.out")


def block(g: Graph, x: str, bias: str, i: int) -> str:
    """One post-norm transformer layer, as DistilBERT's TransformerBlock."""
    attended = attention(g, x, bias, f"layer{i}.attn")
    x = g.layer_norm(g.op("Add", [x, attended], f"layer{i}.res1"), f"layer{i}.ln1")
    hidden = gelu(g, g.linear(x, f"layer{i}.ffn1", DIM, FFN), f"layer{i}.gelu")
    out = g.linear(hidden, f"layer{i}.ffn2", FFN, DIM)
    return g.layer_norm(g.op("Add", [x, out], f"layer{i}.res2"), f"layer{i}.ln2")


def constants(g: Graph) -> None:
    for name, value in {
        "one": np.array(1, np.int64), "zero": np.array(0, np.int64),
        "axes12": np.array([1, 2], np.int64), "cls_index": np.array(0, np.int64),
        "heads_shape": np.array([0, 0, HEADS, HEAD_DIM], np.int64),
        "merge_shape": np.array([0, 0, DIM], np.int64),
        "scale": np.array(1 / np.sqrt(HEAD_DIM), np.float32),
        "sqrt2": np.array(np.sqrt(2), np.float32), "half": np.array(0.5, np.float32),
        "onef": np.array(1, np.float32), "masked": np.array(MASKED, np.float32),
    }.items():
        g.const(name, value)


def build(vocab: int, classes: int, seed: int) -> onnx.ModelProto:
    g = Graph(np.random.default_rng(seed))
    constants(g)
    seq = g.op("Gather", [g.op("Shape", ["input_ids"], "ids_shape"), "one"], "seq", axis=0)
    positions = g.op("Range", ["zero", seq, "one"], "positions")
    tokens = g.op("Gather", [g.weight("embeddings.word", vocab, DIM), "input_ids"], "tok")
    places = g.op("Gather", [g.weight("embeddings.position", MAX_POSITIONS, DIM), positions], "pos")
    x = g.layer_norm(g.op("Add", [tokens, places], "embedded"), "embeddings.ln")
    # Padding keys get a large negative score: [batch, 1, 1, seq], broadcast over heads.
    maskf = g.op("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    pad = g.op("Sub", ["onef", maskf], "pad")
    bias = g.op("Unsqueeze", [g.op("Mul", [pad, "masked"], "bias0"), "axes12"], "bias")
    for i in range(LAYERS):
        x = block(g, x, bias, i)
    cls = g.op("Gather", [x, "cls_index"], "cls", axis=1)
    pre = g.op("Relu", [g.linear(cls, "pre_classifier", DIM, DIM)], "pre")
    logits = g.op("Identity", [g.linear(pre, "classifier", DIM, classes)], "logits")
    graph = helper.make_graph(
        g.nodes, "kubetune-distilbert-shape",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["batch", classes])],
        g.init)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="kubetune-model-maker")
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--like", required=True, help="a project model folder: tokenizer and labels")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    like, out = pathlib.Path(args.like), pathlib.Path(args.out)
    config = json.loads((like / "config.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    proto = build(config["vocab_size"], len(config["id2label"]), seed=7)
    onnx.save(proto, str(out / "model.onnx"))
    shutil.copy(like / "tokenizer.json", out / "tokenizer.json")
    config.update({
        "architectures": ["DistilBertForSequenceClassification"], "model_type": "distilbert",
        "dim": DIM, "hidden_size": DIM, "n_layers": LAYERS, "n_heads": HEADS,
        "hidden_dim": FFN, "max_position_embeddings": MAX_POSITIONS,
        "kubetune_note": "random weights, for benchmarks only",
    })
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    params = sum(int(np.prod(t.dims)) for t in proto.graph.initializer)
    print(json.dumps({"parameters": params, "layers": LAYERS, "dim": DIM}))


if __name__ == "__main__":
    main()
