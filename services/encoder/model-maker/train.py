"""Trains the project's small encoder classifiers and writes them in the Hugging Face layout.

  python train.py --corpus corpus.jsonl --out DIR [--problem single|multi]

DIR gets model.onnx (inputs input_ids and attention_mask, int64 [batch, seq]; output
logits), tokenizer.json (a WordPiece tokenizer trained on the corpus by the tokenizers
library), config.json (id2label, label2id, problem_type) and metrics.json (held-out
results). The model (model.py) is embeddings -> one self-attention layer -> masked mean pooling ->
tanh layer -> linear, trained with Adam in numpy with fixed seeds. The WordPiece trainer
breaks frequency ties in hash order, so two builds from the same inputs can differ in a
few rare subwords (and so in their weights); held-out results stay at 0.99-1.00.
"""

import argparse
import json
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

from model import DIM, MASKED, MAX_POSITIONS, Model

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TRAIN_SEQ = 256


def train_tokenizer(texts: list[str], vocab_size: int = 1500) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIALS,
                                        min_frequency=2, continuing_subword_prefix="##",
                                        show_progress=False)
    tok.train_from_iterator(texts, trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tok


def encode(tok: Tokenizer, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    pad = tok.token_to_id("[PAD]")
    ids = np.full((len(texts), TRAIN_SEQ), pad, dtype=np.int64)
    mask = np.zeros((len(texts), TRAIN_SEQ), dtype=np.int64)
    for i, enc in enumerate(tok.encode_batch(texts)):
        row = enc.ids[:TRAIN_SEQ]
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return ids, mask


def loss_grad(logits, targets, multi: bool):
    if multi:
        probs = 1 / (1 + np.exp(-logits))
        return (probs - targets) / len(logits)
    z = logits - logits.max(1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    return (probs - targets) / len(logits)


def fit(model: Model, ids, mask, targets, multi: bool, epochs: int = 30, lr: float = 0.01):
    rng = np.random.default_rng(7)
    state = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in model.p.items()}
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(ids))
        for start in range(0, len(ids), 32):
            batch = order[start:start + 32]
            # Attention costs seq^2: pad each batch only to its own longest document.
            seq = int(mask[batch].sum(1).max())
            logits, cache = model.forward(ids[batch, :seq], mask[batch, :seq])
            grads = model.backward(loss_grad(logits, targets[batch], multi), cache)
            step += 1
            for k, g in grads.items():
                m1, m2 = state[k]
                m1[:] = 0.9 * m1 + 0.1 * g
                m2[:] = 0.999 * m2 + 0.001 * g * g
                corr = np.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
                model.p[k] -= lr * corr * m1 / (np.sqrt(m2) + 1e-8)


def evaluate(model: Model, ids, mask, targets, multi: bool) -> dict:
    logits, _ = model.forward(ids, mask)
    if multi:
        predicted = logits > 0
        truth = targets > 0.5
        tp = (predicted & truth).sum()
        return {"exact_match": float((predicted == truth).all(1).mean()),
                "micro_f1": float(2 * tp / (predicted.sum() + truth.sum())),
                "documents": int(len(ids))}
    return {"accuracy": float((logits.argmax(1) == targets.argmax(1)).mean()),
            "documents": int(len(ids))}


def to_onnx(model: Model, path: pathlib.Path) -> None:
    """The numpy forward pass as an ONNX graph with the Hugging Face names."""
    init = [numpy_helper.from_array(v, k) for k, v in model.p.items()]
    consts = {"axis1": np.array([1], np.int64), "axis2": np.array([2], np.int64),
              "zero": np.array(0, np.int64), "one": np.array(1, np.int64),
              "onef": np.array(1, np.float32), "eps": np.array(1e-9, np.float32),
              "masked": np.array(MASKED, np.float32),
              "scale": np.array(1 / np.sqrt(DIM), np.float32)}
    init += [numpy_helper.from_array(v, k) for k, v in consts.items()]
    n = helper.make_node
    nodes = [
        # x = token embeddings + position embeddings for 0..seq-1
        n("Shape", ["input_ids"], ["shape"]),
        n("Gather", ["shape", "one"], ["seq"], axis=0),
        n("Range", ["zero", "seq", "one"], ["positions"]),
        n("Gather", ["emb", "input_ids"], ["tok"]),
        n("Gather", ["pos", "positions"], ["posv"]),
        n("Add", ["tok", "posv"], ["x"]),
        # one single-head self-attention layer; padded keys get a large negative score
        n("MatMul", ["x", "wq"], ["q"]), n("MatMul", ["x", "wk"], ["k"]), n("MatMul", ["x", "wv"], ["v"]),
        n("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        n("MatMul", ["q", "kt"], ["qk"]), n("Mul", ["qk", "scale"], ["scores0"]),
        n("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        n("Sub", ["onef", "maskf"], ["pad"]), n("Mul", ["pad", "masked"], ["bias0"]),
        n("Unsqueeze", ["bias0", "axis1"], ["bias"]),
        n("Add", ["scores0", "bias"], ["scores"]),
        n("Softmax", ["scores"], ["attn"], axis=-1),
        n("MatMul", ["attn", "v"], ["o"]), n("MatMul", ["o", "wo"], ["ow"]),
        n("Add", ["x", "ow"], ["y"]),
        # masked mean pooling -> tanh layer -> logits
        n("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
        n("Mul", ["y", "mask3"], ["masked_y"]),
        n("ReduceSum", ["masked_y", "axis1"], ["summed"], keepdims=0),
        n("ReduceSum", ["maskf", "axis1"], ["count0"], keepdims=1),
        n("Max", ["count0", "eps"], ["count"]),
        n("Div", ["summed", "count"], ["pooled"]),
        n("MatMul", ["pooled", "w1"], ["h0"]), n("Add", ["h0", "b1"], ["h1"]), n("Tanh", ["h1"], ["hidden"]),
        n("MatMul", ["hidden", "w2"], ["l0"]), n("Add", ["l0", "b2"], ["logits"]),
    ]
    classes = model.p["b2"].shape[0]
    graph = helper.make_graph(
        nodes, "kubetune-encoder",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", classes])],
        init)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="kubetune-model-maker")
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--problem", choices=["single", "multi"], default="single")
    args = parser.parse_args()
    multi = args.problem == "multi"
    docs = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    if not multi:
        docs = [d for d in docs if len(d["labels"]) == 1]
    labels = sorted({label for d in docs for label in d["labels"]})
    train = [d for d in docs if d["split"] == "train"]
    test = [d for d in docs if d["split"] == "test"]

    tok = train_tokenizer([d["text"] for d in train])

    def tensors(split):
        ids, mask = encode(tok, [d["text"] for d in split])
        y = np.zeros((len(split), len(labels)), np.float32)
        for i, d in enumerate(split):
            for label in d["labels"]:
                y[i, labels.index(label)] = 1
        return ids, mask, y

    model = Model(tok.get_vocab_size(), len(labels), np.random.default_rng(42))
    fit(model, *tensors(train), multi)
    metrics = {"train": evaluate(model, *tensors(train), multi),
               "heldout": evaluate(model, *tensors(test), multi)}

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    to_onnx(model, out / "model.onnx")
    tok.save(str(out / "tokenizer.json"))
    config = {
        "architectures": ["KubetuneAttentionPoolForSequenceClassification"],
        "model_type": "kubetune-attention-pool",
        "problem_type": "multi_label_classification" if multi else "single_label_classification",
        "id2label": {str(i): label for i, label in enumerate(labels)},
        "label2id": {label: i for i, label in enumerate(labels)},
        "max_position_embeddings": MAX_POSITIONS,
        "vocab_size": tok.get_vocab_size(),
        "hidden_size": DIM,
        "pad_token_id": tok.token_to_id("[PAD]"),
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps({"problem": args.problem, **metrics}))


if __name__ == "__main__":
    main()
