// The estimator against published measurements (docs/estimator.md describes each
// source), and against the default pools' limits. Published GB figures of GPU cards are
// binary (a "16 GB" card has 16 GiB); figures for model files are decimal.
import { describe, expect, it } from "vitest";
import type { ComputeDtype, MemoryBreakdown } from "./estimate.js";
import { estimateMemory } from "./estimate.js";
import type { SpecOptions } from "./spec-builder.js";
import { ALL_LINEAR, QKVO, aSpec, contractSpec } from "./spec-builder.js";

const GB_IN_GIB = 1e9 / 1024 ** 3;

/** Llama-3.1-8B QLoRA on all linear layers, rank 32, batch 1, padded to `tokens`. */
const unsloth8B = (tokens: number): SpecOptions => ({
  parameters: "8B",
  lora: { r: 32, dropout: "0", targetModules: ALL_LINEAR },
  hyperparameters: { batchSize: 1, maxSeqLength: tokens, optimizer: "adamw-8bit" },
});
const unsloth70B = (tokens: number): SpecOptions => ({
  ...unsloth8B(tokens),
  parameters: "70B",
});

interface CalibrationRow {
  situation: string;
  options: SpecOptions;
  dtype: ComputeDtype;
  /** A component, or the total when unset. */
  component?: keyof MemoryBreakdown;
  wantGiB: number;
  tolerance: number;
}

const rows: CalibrationRow[] = [
  // Largest context that fit each card with Hugging Face + FlashAttention 2 (Unsloth).
  ...[
    { tokens: 932, cardGiB: 12 },
    { tokens: 2551, cardGiB: 16 },
    { tokens: 5789, cardGiB: 24 },
    { tokens: 12264, cardGiB: 40 },
    { tokens: 28454, cardGiB: 80 },
  ].map(({ tokens, cardGiB }): CalibrationRow => ({
    situation: `8B QLoRA all-linear r32 at ${tokens} tokens, the most a ${cardGiB} GiB card held`,
    options: unsloth8B(tokens),
    dtype: "bf16",
    wantGiB: cardGiB,
    tolerance: 0.1,
  })),
  {
    situation: "70B QLoRA all-linear r32 at 6916 tokens, the most an 80 GiB card held",
    options: unsloth70B(6916),
    dtype: "bf16",
    wantGiB: 80,
    tolerance: 0.1,
  },
  // PEFT's comparison with torchtune: about 8 GiB at batch 1 × 32 tokens.
  {
    situation: "8B QLoRA all-linear r8 at batch 1 × 32 tokens",
    options: {
      parameters: "8B",
      lora: { r: 8, dropout: "0", targetModules: ALL_LINEAR },
      hyperparameters: { batchSize: 1, maxSeqLength: 32, optimizer: "adamw" },
    },
    dtype: "bf16",
    wantGiB: 8,
    tolerance: 0.15,
  },
  // Community rule of thumb for 7B QLoRA: 5–6 GB with very short sequences …
  {
    situation: "7B QLoRA r16 at batch 1 × 32 tokens",
    options: {
      parameters: "7B",
      lora: { targetModules: QKVO },
      hyperparameters: { batchSize: 1, maxSeqLength: 32 },
    },
    dtype: "fp16",
    wantGiB: 5.5 * GB_IN_GIB,
    tolerance: 0.15,
  },
  // … and about 9 GB with common defaults (r16, batch 4, seq 512, checkpointing).
  {
    situation: "7B QLoRA r16 at batch 4 × 512 tokens with checkpointing",
    options: { parameters: "7B", lora: { targetModules: QKVO } },
    dtype: "fp16",
    wantGiB: 9 * GB_IN_GIB,
    tolerance: 0.15,
  },
  // 8.03B weights × 2 bytes: the ~16 GB of a 16-bit Llama-3-8B checkpoint.
  {
    situation: "8B LoRA in 16 bits, frozen weights",
    options: { parameters: "8B", method: "lora" },
    dtype: "bf16",
    component: "frozenWeights",
    wantGiB: 16.06 * GB_IN_GIB,
    tolerance: 0.02,
  },
  // Mixed-precision AdamW: 18 bytes per parameter before activations.
  ...(["trainableWeights", "gradients", "optimizerState"] as const).map(
    (component): CalibrationRow => ({
      situation: `8B full fine-tune, ${component}`,
      options: { parameters: "8B", method: "full" },
      dtype: "bf16",
      component,
      wantGiB:
        ({ trainableWeights: 6, gradients: 4, optimizerState: 8 }[component] * 8.0303e9) /
        1024 ** 3,
      tolerance: 0.02,
    }),
  ),
];

describe("calibration", () => {
  it.each(rows)(
    "when $situation, the estimate is within $tolerance of $wantGiB GiB",
    ({ options, dtype, component, wantGiB, tolerance }) => {
      const estimate = estimateMemory(aSpec(options), dtype);

      const got = component === undefined ? estimate.totalGiB : estimate.breakdownGiB[component];

      expect(Math.abs(got / wantGiB - 1)).toBeLessThanOrEqual(tolerance);
    },
  );

  it("when 70B QLoRA all-linear r32 runs at the shortest context, it needs more than 48 GiB (measured: out of memory)", () => {
    expect(estimateMemory(aSpec(unsloth70B(16)), "bf16").totalGiB).toBeGreaterThan(48);
  });
});

const T4 = { gpuMemoryGiB: 16, dtype: "fp16" } as const;
const A10G = { gpuMemoryGiB: 24, dtype: "bf16" } as const;
const fits = (options: SpecOptions | "contract", pool: typeof T4 | typeof A10G) => {
  const spec = options === "contract" ? contractSpec() : aSpec(options);
  return estimateMemory(spec, pool.dtype).totalGiB <= pool.gpuMemoryGiB;
};
const qlora8B = (batchSize: number, maxSeqLength: number): SpecOptions => ({
  parameters: "8B",
  lora: { targetModules: QKVO },
  hyperparameters: { batchSize, maxSeqLength },
});

describe("default pools", () => {
  it.each([
    {
      situation: "the contract run (8B QLoRA r16, 4 × 512, ckpt)",
      options: "contract",
      wantT4: true,
      wantA10G: true,
    },
    { situation: "8B QLoRA at 5 × 512", options: qlora8B(5, 512), wantT4: true, wantA10G: true },
    { situation: "8B QLoRA at 6 × 512", options: qlora8B(6, 512), wantT4: false, wantA10G: true },
    { situation: "8B QLoRA at 6 × 1024", options: qlora8B(6, 1024), wantT4: false, wantA10G: true },
    {
      situation: "8B QLoRA at 7 × 1024",
      options: qlora8B(7, 1024),
      wantT4: false,
      wantA10G: false,
    },
    {
      situation: "8B QLoRA at 4 × 512 without checkpointing",
      options: { ...qlora8B(4, 512), hyperparameters: { gradientCheckpointing: false } },
      wantT4: false,
      wantA10G: false,
    },
    {
      situation: "8B 16-bit LoRA at 1 × 512",
      options: { parameters: "8B", method: "lora", hyperparameters: { batchSize: 1 } },
      wantT4: false,
      wantA10G: true,
    },
    {
      situation: "8B full fine-tune",
      options: { parameters: "8B", method: "full" },
      wantT4: false,
      wantA10G: false,
    },
    { situation: "70B QLoRA", options: { parameters: "70B" }, wantT4: false, wantA10G: false },
    {
      situation: "1B QLoRA with defaults",
      options: { parameters: "1B" },
      wantT4: true,
      wantA10G: true,
    },
    {
      situation: "DistilBERT classification, full fine-tune, 16 × 512 without checkpointing",
      options: {
        parameters: "66M",
        task: "sequence-classification",
        method: "full",
        hyperparameters: { batchSize: 16, gradientCheckpointing: false },
      },
      wantT4: true,
      wantA10G: true,
    },
  ] as const)(
    "when $situation, fits a T4 (fp16): $wantT4, fits an A10G (bf16): $wantA10G",
    ({ options, wantT4, wantA10G }) => {
      expect({ t4: fits(options, T4), a10g: fits(options, A10G) }).toEqual({
        t4: wantT4,
        a10g: wantA10G,
      });
    },
  );

  it.each([
    { situation: "1B QLoRA with defaults", options: { parameters: "1B" }, wantBelowGiB: 8 },
    {
      situation: "DistilBERT classification with defaults",
      options: { parameters: "66M", task: "sequence-classification", method: "full" },
      wantBelowGiB: 4,
    },
  ] as const)("when $situation, it needs under $wantBelowGiB GiB: easily a T4", (row) => {
    expect(estimateMemory(aSpec(row.options), "fp16").totalGiB).toBeLessThan(row.wantBelowGiB);
  });
});
