// Seeded weights for the tiny llama model and its LoRA adapter. Deterministic: the same
// seed gives the same bytes, so the cache key (a hash of the inputs) names the files.
import type { F32Tensor } from "../gguf/write.js";

export interface TinyDims {
  vocab: number;
  embd: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ff: number;
}

/** mulberry32 with Box-Muller: a small, well-known PRNG, reproducible across runs. */
export function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function tensor(name: string, dims: number[], fill: (i: number) => number): F32Tensor {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return { name, dims, data };
}

const random = (next: () => number, std: number) => () => next() * std;

/**
 * The blocks write a quarter of a normal initialisation into the residual stream, so the
 * last hidden state stays close to the current token's embedding (what train.ts fits on).
 */
const BLOCK_GAIN = 0.25;

function layerTensors(d: TinyDims, layer: number, next: () => number): F32Tensor[] {
  const kv = (d.embd / d.heads) * d.kvHeads;
  const std = 1 / Math.sqrt(d.embd);
  const p = `blk.${layer}`;
  return [
    tensor(`${p}.attn_norm.weight`, [d.embd], () => 1),
    tensor(`${p}.attn_q.weight`, [d.embd, d.embd], random(next, std)),
    tensor(`${p}.attn_k.weight`, [d.embd, kv], random(next, std)),
    tensor(`${p}.attn_v.weight`, [d.embd, kv], random(next, std)),
    tensor(`${p}.attn_output.weight`, [d.embd, d.embd], random(next, std * BLOCK_GAIN)),
    tensor(`${p}.ffn_norm.weight`, [d.embd], () => 1),
    tensor(`${p}.ffn_gate.weight`, [d.embd, d.ff], random(next, std)),
    tensor(`${p}.ffn_up.weight`, [d.embd, d.ff], random(next, std)),
    tensor(`${p}.ffn_down.weight`, [d.ff, d.embd], random(next, BLOCK_GAIN / Math.sqrt(d.ff))),
  ];
}

/** Every tensor of a llama-architecture model, in llama.cpp's names and ggml dim order. */
export function baseTensors(d: TinyDims, seed: number): F32Tensor[] {
  const next = gaussian(seed);
  return [
    tensor("token_embd.weight", [d.embd, d.vocab], random(next, 1)),
    ...Array.from({ length: d.layers }, (_, layer) => layerTensors(d, layer, next)).flat(),
    tensor("output_norm.weight", [d.embd], () => 1),
    tensor("output.weight", [d.embd, d.vocab], random(next, 2 / Math.sqrt(d.embd))),
  ];
}

/**
 * A rank-`rank` LoRA on every layer's attention output and FFN down projection, and on the
 * output projection (so the adapted model also ranks tokens the base ties, such as labels
 * that only ever follow "Category:"): lora_a is [in, rank], lora_b is [rank, out], as
 * llama.cpp checks.
 */
export function loraTensors(d: TinyDims, rank: number, seed: number): F32Tensor[] {
  const next = gaussian(seed);
  const targets: [name: string, input: number, output: number][] = [
    ...Array.from({ length: d.layers }, (_, layer): [string, number, number][] => [
      [`blk.${layer}.attn_output.weight`, d.embd, d.embd],
      [`blk.${layer}.ffn_down.weight`, d.ff, d.embd],
    ]).flat(),
    ["output.weight", d.embd, d.vocab],
  ];
  return targets.flatMap(([name, input, output]) => [
    tensor(`${name}.lora_a`, [input, rank], random(next, 1 / Math.sqrt(input))),
    tensor(`${name}.lora_b`, [rank, output], random(next, 1 / Math.sqrt(rank))),
  ]);
}
