// Writes the project's tiny llama GGUF, its LoRA adapter and the label configuration,
// and caches them by a hash of everything that decides their bytes.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { encodeGguf } from "../gguf/write.js";
import type { GgufTyped } from "../gguf/types.js";
import { TINY_LABELS, corpusLines } from "./corpus.js";
import { corpusSequences, fitOutput } from "./train.js";
import { SPECIAL, buildVocab } from "./vocab.js";
import { baseTensors, loraTensors } from "./weights.js";
import type { TinyDims } from "./weights.js";

export const TINY_FILES = {
  model: "tiny-llama.gguf",
  adapter: "tiny-llama-lora.gguf",
  config: "tiny-llama.json",
} as const;

const CONTEXT_LENGTH = 2048;
const MERGES = 200;
const LORA_RANK = 4;
const LORA_ALPHA = 8;
const SEED = 20_240_601;

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const u32 = (value: number): GgufTyped => ({ type: "u32", value });
const f32 = (value: number): GgufTyped => ({ type: "f32", value });
const str = (value: string): GgufTyped => ({ type: "string", value });

function baseMetadata(d: TinyDims, vocab: ReturnType<typeof buildVocab>): [string, GgufTyped][] {
  return [
    ["general.architecture", str("llama")],
    ["general.name", str("kubetune tiny llama")],
    ["general.file_type", u32(0)],
    ["llama.context_length", u32(CONTEXT_LENGTH)],
    ["llama.embedding_length", u32(d.embd)],
    ["llama.block_count", u32(d.layers)],
    ["llama.feed_forward_length", u32(d.ff)],
    ["llama.attention.head_count", u32(d.heads)],
    ["llama.attention.head_count_kv", u32(d.kvHeads)],
    ["llama.rope.dimension_count", u32(d.embd / d.heads)],
    ["llama.attention.layer_norm_rms_epsilon", f32(1e-5)],
    ["llama.vocab_size", u32(d.vocab)],
    ["tokenizer.ggml.model", str("llama")],
    ["tokenizer.ggml.tokens", { type: "array", of: "string", value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: "array", of: "f32", value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: "array", of: "i32", value: vocab.types }],
    ["tokenizer.ggml.unknown_token_id", u32(SPECIAL.unk)],
    ["tokenizer.ggml.bos_token_id", u32(SPECIAL.bos)],
    ["tokenizer.ggml.eos_token_id", u32(SPECIAL.eos)],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.chat_template", str(CHATML_TEMPLATE)],
  ];
}

const adapterMetadata: [string, GgufTyped][] = [
  ["general.architecture", str("llama")],
  ["general.type", str("adapter")],
  ["general.name", str("kubetune tiny llama lora")],
  ["adapter.type", str("lora")],
  ["adapter.lora.alpha", f32(LORA_ALPHA)],
];

/**
 * `tiny` for tests (about 0.6 MB, thousands of tokens per second); `bench` is the same
 * recipe at about 25 M parameters (about 100 MB), so a benchmark's per-token work is closer
 * to a real model's and the service's fixed per-token costs are not magnified.
 */
export const TINY_SIZES = {
  tiny: { embd: 64, layers: 2, heads: 4, kvHeads: 2, ff: 192 },
  bench: { embd: 512, layers: 8, heads: 8, kvHeads: 4, ff: 1536 },
} as const;
export type TinySize = keyof typeof TINY_SIZES;

/** Writes the three files into `dir` (created if needed). */
export function writeTinyModel(dir: string, size: TinySize = "tiny"): void {
  const vocab = buildVocab(corpusLines(), MERGES);
  const dims: TinyDims = { vocab: vocab.tokens.length, ...TINY_SIZES[size] };
  mkdirSync(dir, { recursive: true });
  const tensors = baseTensors(dims, SEED);
  const embedding = tensors.find((t) => t.name === "token_embd.weight");
  const output = tensors.find((t) => t.name === "output.weight");
  if (!embedding || !output) throw new Error("the tiny model lacks its embedding or output tensor");
  output.data = fitOutput(
    embedding.data,
    dims.embd,
    dims.vocab,
    corpusSequences(vocab, corpusLines()),
  );
  writeFileSync(join(dir, TINY_FILES.model), encodeGguf(baseMetadata(dims, vocab), tensors));
  writeFileSync(
    join(dir, TINY_FILES.adapter),
    encodeGguf(adapterMetadata, loraTensors(dims, LORA_RANK, SEED + 1)),
  );
  // The classify prompt has the corpus's shape, so the model continues it with a category.
  const config = {
    labels: [...TINY_LABELS],
    problemType: "single-label",
    prompt: "Title: {text}\nCategory:",
  };
  writeFileSync(join(dir, TINY_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
}

/** Hash of this folder's sources and the GGUF writer: any change makes a new cache entry. */
function inputsHash(): string {
  const hash = createHash("sha256");
  const dirs = [import.meta.dirname, join(import.meta.dirname, "..", "gguf")];
  for (const dir of dirs)
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.includes(".test."))
      .sort())
      hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest("hex").slice(0, 16);
}

export interface TinyModelPaths {
  dir: string;
  model: string;
  adapter: string;
  config: string;
}

/** Builds the tiny model into the user cache unless an identical build is already there. */
export function ensureTinyModel(
  size: TinySize = "tiny",
  cacheRoot = join(homedir(), ".cache", "kubetune", "models"),
): TinyModelPaths {
  const dir = join(cacheRoot, `${size}-llama-${inputsHash()}`);
  if (!existsSync(join(dir, TINY_FILES.config))) {
    // Build beside the final folder and rename, so a concurrent reader never sees half a model.
    const tmp = `${dir}.tmp-${process.pid}`;
    writeTinyModel(tmp, size);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      if (!existsSync(join(dir, TINY_FILES.config))) throw error;
    }
  }
  return {
    dir,
    model: join(dir, TINY_FILES.model),
    adapter: join(dir, TINY_FILES.adapter),
    config: join(dir, TINY_FILES.config),
  };
}
