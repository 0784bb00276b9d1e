import type { JsonSchema } from "@kubetune/api";
import { fineTuneJobCrd } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { SPEC_DEFAULTS, resolveRun } from "./resolve-run.js";
import { aSpec } from "./spec-builder.js";

/** The default the CRD schema declares at a dotted path under spec. */
function schemaDefault(path: string): unknown {
  let node: JsonSchema | undefined = fineTuneJobCrd.schema.properties?.spec;
  for (const key of path.split(".")) node = node?.properties?.[key];
  return node?.default;
}

describe("SPEC_DEFAULTS", () => {
  it.each([
    { path: "task", want: SPEC_DEFAULTS.task },
    { path: "lora.r", want: SPEC_DEFAULTS.lora.r },
    { path: "lora.alpha", want: SPEC_DEFAULTS.lora.alpha },
    { path: "lora.dropout", want: SPEC_DEFAULTS.lora.dropout },
    { path: "quantization.bits", want: SPEC_DEFAULTS.quantization.bits },
    { path: "quantization.type", want: SPEC_DEFAULTS.quantization.type },
    { path: "quantization.doubleQuant", want: SPEC_DEFAULTS.quantization.doubleQuant },
    { path: "hyperparameters.batchSize", want: SPEC_DEFAULTS.hyperparameters.batchSize },
    { path: "hyperparameters.maxSeqLength", want: SPEC_DEFAULTS.hyperparameters.maxSeqLength },
    {
      path: "hyperparameters.gradientCheckpointing",
      want: SPEC_DEFAULTS.hyperparameters.gradientCheckpointing,
    },
  ])("when the schema declares a default for $path, the estimator uses the same", (row) => {
    expect(schemaDefault(row.path)).toEqual(row.want);
  });
});

describe("resolveRun", () => {
  it("when a qlora spec leaves everything optional out, applies the schema and method defaults", () => {
    const run = resolveRun(aSpec({ method: "qlora" }));

    expect(run).toMatchObject({
      task: "causal-lm",
      batchSize: 4,
      maxSeqLength: 512,
      gradientCheckpointing: true,
      optimizer: "paged-adamw-8bit",
      lora: { r: 16, alpha: 32, dropout: 0.05, targetModules: ["q_proj", "v_proj"] },
      quantization: { bits: 4, type: "nf4", doubleQuant: true },
    });
    expect(run.notes).toContain(
      "No lora.targetModules given: assumed the trainer default q_proj, v_proj.",
    );
  });

  it.each([
    { method: "lora", wantOptimizer: "adamw", wantLora: true },
    { method: "full", wantOptimizer: "adamw", wantLora: false },
  ] as const)(
    "when the method is $method, defaults the optimizer to $wantOptimizer and has no quantization",
    ({ method, wantOptimizer, wantLora }) => {
      const run = resolveRun(aSpec({ method }));

      expect(run.optimizer).toBe(wantOptimizer);
      expect(run.quantization).toBeUndefined();
      expect(run.lora !== undefined).toBe(wantLora);
    },
  );

  it("when objects are partly given, keeps the given fields and defaults the rest", () => {
    const run = resolveRun(
      aSpec({
        lora: { r: 64, targetModules: ["all-linear"] },
        quantization: { bits: 8 },
        hyperparameters: { maxSeqLength: 2048, optimizer: "sgd" },
      }),
    );

    expect(run).toMatchObject({
      batchSize: 4,
      maxSeqLength: 2048,
      optimizer: "sgd",
      lora: { r: 64, alpha: 32, projections: ["q", "k", "v", "o", "gate", "up", "down"] },
      quantization: { bits: 8, type: "nf4", doubleQuant: true },
    });
  });

  it("when the task is classification, the default targets are the encoder's query and value", () => {
    const run = resolveRun(
      aSpec({ parameters: "66M", task: "sequence-classification", method: "lora" }),
    );

    expect(run.lora?.targetModules).toEqual(["query", "value"]);
  });

  it.each([
    { parameters: "8B", wantNote: "8B parameters: assumed the Llama-3-8B shape (8.03B)." },
    {
      parameters: "20B",
      wantNote:
        "20B parameters: no known shape within 10%, so the nearest, Llama-2-13B, was scaled to hidden size 6362.",
    },
  ])("when $parameters is declared, says which shape it assumed", ({ parameters, wantNote }) => {
    expect(resolveRun(aSpec({ parameters })).notes[0]).toBe(wantNote);
  });
});
