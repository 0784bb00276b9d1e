"""Python onnxruntime peer for bench/encoder-throughput.ts: the same model, tokenizer
file, documents, threads and session options, in a tokenize + run loop.

  python encoder_ort_peer.py --model DIR --docs docs.json --batch 8 --threads 1 --seconds 3
Prints one JSON line: documents per second and per-call p50/p99 in milliseconds.
"""

import argparse
import json
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--docs", required=True)
parser.add_argument("--batch", type=int, required=True)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--seconds", type=float, default=3)
parser.add_argument("--max-calls", type=int, default=5000)
args = parser.parse_args()

options = ort.SessionOptions()
options.intra_op_num_threads = args.threads
options.inter_op_num_threads = 1
options.enable_cpu_mem_arena = False
options.add_session_config_entry("session.intra_op.allow_spinning", "0")
options.add_session_config_entry("session.inter_op.allow_spinning", "0")
session = ort.InferenceSession(f"{args.model}/model.onnx", options, providers=["CPUExecutionProvider"])
tokenizer = Tokenizer.from_file(f"{args.model}/tokenizer.json")
tokenizer.no_truncation()
tokenizer.no_padding()
docs = json.load(open(args.docs, encoding="utf-8"))


def call(texts):
    encodings = tokenizer.encode_batch(texts)
    seq = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), seq), np.int64)
    mask = np.zeros((len(texts), seq), np.int64)
    for i, e in enumerate(encodings):
        ids[i, : len(e.ids)] = e.ids
        mask[i, : len(e.ids)] = 1
    session.run(["logits"], {"input_ids": ids, "attention_mask": mask})


call(docs[: args.batch])
latencies = []
start = time.perf_counter()
i = 0
while time.perf_counter() - start < args.seconds and len(latencies) < args.max_calls:
    batch = [docs[(i + k) % len(docs)] for k in range(args.batch)]
    i += args.batch
    t0 = time.perf_counter()
    call(batch)
    latencies.append((time.perf_counter() - t0) * 1000)
elapsed = time.perf_counter() - start
latencies.sort()
print(json.dumps({
    "docsPerSecond": len(latencies) * args.batch / elapsed,
    "p50": latencies[len(latencies) // 2],
    "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
}))
