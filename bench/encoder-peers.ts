// Shared parts of the encoder benchmark: documents of an exact token length, latency
// statistics, and the two peers: a bare onnxruntime-node loop in this process (the same
// session and tokenizer code the service uses) and Python onnxruntime.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Tokenizer } from "tokenizers";
import { CORPUS_FILE, ensurePython } from "../services/encoder/model-maker/ensure-models.js";
import { createSession } from "../services/encoder/src/model/session.js";
import { loadTokenizer } from "../services/encoder/src/model/tokenizer.js";

export interface Figures {
  docsPerSecond: number;
  p50: number;
  p99: number;
}

export function stats(latenciesMs: number[], docs: number, seconds: number): Figures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
  return { docsPerSecond: docs / seconds, p50: at(0.5), p99: at(0.99) };
}

/** `count` different documents of exactly `tokens` tokens with special tokens (one window). */
export async function documentsOf(
  modelDir: string,
  tokens: number,
  count: number,
): Promise<string[]> {
  const tokenizer = Tokenizer.fromString(readFileSync(join(modelDir, "tokenizer.json"), "utf8"));
  const texts = readFileSync(CORPUS_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text);
  const docs: string[] = [];
  for (let i = 0; docs.length < count; i++) {
    const text = Array.from({ length: 12 }, (_, k) => texts[(i * 7 + k) % texts.length]).join(" ");
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const end = encoding.getOffsets()[tokens - 3]?.[1];
    if (end === undefined) throw new Error("corpus too short for the requested length");
    docs.push(text.slice(0, end));
  }
  return docs;
}

export interface LoopOptions {
  batch: number;
  seconds: number;
  threads: number;
  maxCalls?: number;
}

/** Bare loop: tokenize (when `tokenize`) and session.run, one call after another. */
export async function bareLoop(
  modelDir: string,
  docs: string[],
  options: LoopOptions & { tokenize: boolean },
): Promise<Figures> {
  const tokenizer = await loadTokenizer(readFileSync(join(modelDir, "tokenizer.json"), "utf8"));
  const session = await createSession(
    join(modelDir, "model.onnx"),
    { threads: options.threads },
    tokenizer.padId,
  );
  const wrap = (ids: number[]) => [...tokenizer.prefix, ...ids, ...tokenizer.suffix];
  const pre = (await tokenizer.encodeBatch(docs)).map(wrap);
  const call = async (i: number) => {
    const texts = Array.from({ length: options.batch }, (_, k) => (i + k) % docs.length);
    const windows = options.tokenize
      ? (await tokenizer.encodeBatch(texts.map((t) => docs[t] ?? ""))).map(wrap)
      : texts.map((t) => pre[t] ?? []);
    await session.run(windows);
  };
  await call(0);
  const latencies: number[] = [];
  const start = performance.now();
  for (
    let i = 0;
    performance.now() - start < options.seconds * 1000 &&
    latencies.length < (options.maxCalls ?? 5000);
    i += options.batch
  ) {
    const t0 = performance.now();
    await call(i);
    latencies.push(performance.now() - t0);
  }
  const seconds = (performance.now() - start) / 1000;
  await session.release();
  return stats(latencies, latencies.length * options.batch, seconds);
}

const run = promisify(execFile);

/** Python onnxruntime on the same model and documents; undefined when it cannot be installed. */
export async function pythonLoop(
  modelDir: string,
  docs: string[],
  options: LoopOptions,
  scratch: string,
): Promise<Figures | undefined> {
  let python: string;
  try {
    python = await ensurePython(join(import.meta.dirname, "encoder-peer-requirements.txt"));
  } catch (error) {
    console.error(`Python onnxruntime peer unavailable: ${String(error)}`);
    return undefined;
  }
  const file = join(scratch, `docs-${docs.length}-${options.batch}.json`);
  writeFileSync(file, JSON.stringify(docs));
  const script = join(import.meta.dirname, "encoder_ort_peer.py");
  const args = [
    "--model",
    modelDir,
    "--docs",
    file,
    "--batch",
    String(options.batch),
    "--threads",
    String(options.threads),
    "--seconds",
    String(options.seconds),
  ];
  const { stdout } = await run(python, [script, ...args]);
  return JSON.parse(stdout) as Figures;
}
