import type { FineTuneJobSpec } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { EstimatorInputError } from "./errors.js";
import type { ComputeDtype } from "./estimate.js";
import { estimateMemory } from "./estimate.js";
import type { SpecOptions } from "./spec-builder.js";
import { ALL_LINEAR, QKVO, aSpec, contractSpec } from "./spec-builder.js";

type Hyperparameters = NonNullable<FineTuneJobSpec["hyperparameters"]>;

const runs: { name: string; options: SpecOptions }[] = [
  { name: "8B qlora", options: { parameters: "8B", lora: { targetModules: QKVO } } },
  { name: "7B lora", options: { parameters: "7B", method: "lora" } },
  { name: "1B full", options: { parameters: "1B", method: "full" } },
  {
    name: "DistilBERT full",
    options: { parameters: "66M", method: "full", task: "sequence-classification" },
  },
];

const withHyperparameters = (options: SpecOptions, hp: Hyperparameters): FineTuneJobSpec =>
  aSpec({ ...options, hyperparameters: { ...options.hyperparameters, ...hp } });

describe("estimateMemory", () => {
  it("when estimated, the components add up to the total", () => {
    const estimate = estimateMemory(contractSpec(), "fp16");

    const sum = Object.values(estimate.breakdownGiB).reduce((a: number, b: number) => a + b, 0);

    expect(sum).toBeCloseTo(estimate.totalGiB, 9);
  });

  it("when estimated, reports the run it assumed", () => {
    const estimate = estimateMemory(contractSpec(), "fp16");

    expect(estimate.computeDtype).toBe("fp16");
    expect(estimate.trainableParameters).toBe(13_631_488);
    expect(estimate.assumed).toMatchObject({
      architecture: { name: "Llama-3-8B", hiddenSize: 4096, layers: 32, vocabSize: 128256 },
      batchSize: 4,
      maxSeqLength: 512,
      optimizer: "paged-adamw-8bit",
    });
  });

  describe.each(runs)("for $name", ({ options }) => {
    it.each([
      { field: "batchSize", values: [1, 2, 4, 8, 16] },
      { field: "maxSeqLength", values: [128, 256, 512, 1024, 4096] },
    ] as const)("when $field grows, the total never shrinks", ({ field, values }) => {
      const totals = values.map(
        (value) =>
          estimateMemory(withHyperparameters(options, { [field]: value }), "fp16").totalGiB,
      );

      expect(totals).toEqual([...totals].sort((a, b) => a - b));
      expect(totals.at(-1)).toBeGreaterThan(totals[0]!);
    });

    it("when gradient checkpointing is on, activations are lower and nothing else changes", () => {
      const on = estimateMemory(
        withHyperparameters(options, { gradientCheckpointing: true }),
        "bf16",
      );
      const off = estimateMemory(
        withHyperparameters(options, { gradientCheckpointing: false }),
        "bf16",
      );

      expect(on.breakdownGiB.activations).toBeLessThan(off.breakdownGiB.activations / 2);
      expect(on.breakdownGiB.frozenWeights).toBe(off.breakdownGiB.frozenWeights);
      expect(on.breakdownGiB.logits).toBe(off.breakdownGiB.logits);
    });
  });

  it.each([{ modules: ["q_proj", "v_proj"] }, { modules: QKVO }, { modules: ALL_LINEAR }])(
    "when the LoRA rank grows on $modules, the total never shrinks",
    ({ modules }) => {
      const totals = [4, 8, 16, 64, 256].map(
        (r) => estimateMemory(aSpec({ lora: { r, targetModules: modules } }), "fp16").totalGiB,
      );

      expect(totals).toEqual([...totals].sort((a, b) => a - b));
      expect(totals.at(-1)).toBeGreaterThan(totals[0]!);
    },
  );

  it("when more modules are adapted, the total grows", () => {
    const few = estimateMemory(aSpec({ lora: { targetModules: ["q_proj"] } }), "fp16");
    const many = estimateMemory(aSpec({ lora: { targetModules: ALL_LINEAR } }), "fp16");

    expect(many.totalGiB).toBeGreaterThan(few.totalGiB);
  });

  it.each([
    { method: "qlora", wantLessThan: "lora" },
    { method: "lora", wantLessThan: "full" },
  ] as const)("when the method is $method, it needs less than $wantLessThan", (row) => {
    const total = (method: FineTuneJobSpec["method"]) =>
      estimateMemory(aSpec({ method }), "bf16").totalGiB;

    expect(total(row.method)).toBeLessThan(total(row.wantLessThan));
  });

  it.each([
    { method: "qlora", wantTotalGrows: true },
    { method: "lora", wantTotalGrows: true },
    // fp32 drops the half-precision weight copy mixed precision keeps (18 → 16 bytes).
    { method: "full", wantTotalGrows: false },
  ] as const)(
    "when the method is $method and compute is fp32, activations grow and the total grows: $wantTotalGrows",
    ({ method, wantTotalGrows }) => {
      const at = (dtype: ComputeDtype) => estimateMemory(aSpec({ method }), dtype);

      expect(at("fp32").breakdownGiB.activations).toBeGreaterThan(
        at("fp16").breakdownGiB.activations,
      );
      expect(at("fp32").totalGiB > at("fp16").totalGiB).toBe(wantTotalGrows);
      expect(at("bf16").totalGiB).toBe(at("fp16").totalGiB);
    },
  );

  it.each([
    { optimizer: "sgd", wantGiB: 0 },
    { optimizer: "adamw-8bit", wantGiB: (2 * 8.0303e9) / 1024 ** 3 },
    { optimizer: "adamw", wantGiB: (8 * 8.0303e9) / 1024 ** 3 },
  ] as const)(
    "when full fine-tuning 8B with $optimizer, the optimizer state is $wantGiB GiB",
    ({ optimizer, wantGiB }) => {
      const estimate = estimateMemory(
        aSpec({ method: "full", hyperparameters: { optimizer } }),
        "bf16",
      );

      expect(estimate.breakdownGiB.optimizerState).toBeCloseTo(wantGiB, 1);
    },
  );

  it.each([
    { quantization: { doubleQuant: false }, wantBitsPerWeight: 4.5 },
    { quantization: { doubleQuant: true }, wantBitsPerWeight: 4.127 },
    { quantization: { bits: 8 }, wantBitsPerWeight: 8.008 },
  ])(
    "when quantized with $quantization, block weights cost $wantBitsPerWeight bits each",
    ({ quantization, wantBitsPerWeight }) => {
      const blockWeights = 6.979e9; // Llama-3-8B's transformer-block linear weights
      const unquantizedBytes = (8.0303e9 - blockWeights) * 4;

      const estimate = estimateMemory(aSpec({ parameters: "8B", quantization }), "fp16");

      const bits =
        ((estimate.breakdownGiB.frozenWeights * 1024 ** 3 - unquantizedBytes) * 8) / blockWeights;
      expect(bits).toBeCloseTo(wantBitsPerWeight, 2);
    },
  );

  it("when the task is classification, there are no vocabulary logits", () => {
    const estimate = estimateMemory(
      aSpec({ parameters: "66M", task: "sequence-classification", method: "full" }),
      "fp16",
    );

    expect(estimate.breakdownGiB.logits).toBe(0);
  });

  it("when a target module is unknown, throws an input error naming the field", () => {
    const spec = aSpec({ lora: { targetModules: ["q_proj", "c_attn"] } });

    expect(() => estimateMemory(spec, "fp16")).toThrow(EstimatorInputError);
    expect(() => estimateMemory(spec, "fp16")).toThrow(/^spec\.lora\.targetModules\[1\]: "c_attn"/);
  });
});
