import { describe, expect, it } from "vitest";
import {
  KNOWN_ARCHITECTURES,
  formatParameterCount,
  parameterCount,
  parseParameterCount,
  resolveArchitecture,
} from "./architectures.js";
import { EstimatorInputError } from "./errors.js";

const shape = (name: string) => {
  const arch = KNOWN_ARCHITECTURES.find((a) => a.name === name);
  if (arch === undefined) throw new Error(`no shape ${name}`);
  return arch;
};

describe("parameterCount", () => {
  // The counts the models' publishers state; the table stores shapes, not counts.
  it.each([
    { name: "SmolLM2-135M", wantParameters: 134.5e6 },
    { name: "SmolLM2-360M", wantParameters: 361.8e6 },
    { name: "Llama-3.2-1B", wantParameters: 1.236e9 },
    { name: "TinyLlama-1.1B", wantParameters: 1.1e9 },
    { name: "Llama-3.2-3B", wantParameters: 3.213e9 },
    { name: "Mistral-7B", wantParameters: 7.242e9 },
    { name: "Llama-3-8B", wantParameters: 8.03e9 },
    { name: "Llama-2-13B", wantParameters: 13.016e9 },
    { name: "Llama-3-70B", wantParameters: 70.554e9 },
    { name: "DistilBERT-base", wantParameters: 66.4e6 },
    { name: "BERT-base", wantParameters: 109.5e6 },
    { name: "BERT-large", wantParameters: 335e6 },
  ])("when the shape is $name, the count is within 1% of $wantParameters", (row) => {
    const count = parameterCount(shape(row.name));

    expect(Math.abs(count / row.wantParameters - 1)).toBeLessThan(0.01);
  });
});

describe("parseParameterCount", () => {
  it.each([
    { text: "8B", want: 8e9 },
    { text: "1.1B", want: 1.1e9 },
    { text: "350M", want: 350e6 },
    { text: "66M", want: 66e6 },
  ])("when the count is $text, parses it to $want", ({ text, want }) => {
    expect(parseParameterCount(text, "spec.baseModel.parameters")).toBeCloseTo(want, 0);
  });

  it.each(["8", "8b", "0B", "1.2345B", "8 B", ""])(
    "when the count is %j, throws an input error naming the field",
    (text) => {
      expect(() => parseParameterCount(text, "spec.baseModel.parameters")).toThrow(
        EstimatorInputError,
      );
      expect(() => parseParameterCount(text, "spec.baseModel.parameters")).toThrow(
        /^spec\.baseModel\.parameters: /,
      );
    },
  );
});

describe("resolveArchitecture", () => {
  it.each([
    { declared: "8B", task: "causal-lm", wantName: "Llama-3-8B" },
    { declared: "7B", task: "causal-lm", wantName: "Mistral-7B" },
    { declared: "1B", task: "causal-lm", wantName: "Llama-3.2-1B" },
    { declared: "1.1B", task: "causal-lm", wantName: "TinyLlama-1.1B" },
    { declared: "70B", task: "causal-lm", wantName: "Llama-3-70B" },
    { declared: "66M", task: "sequence-classification", wantName: "DistilBERT-base" },
    { declared: "110M", task: "sequence-classification", wantName: "BERT-base" },
    { declared: "340M", task: "sequence-classification", wantName: "BERT-large" },
  ] as const)(
    "when $declared is declared for $task, picks the $wantName shape unscaled",
    ({ declared, task, wantName }) => {
      const arch = resolveArchitecture(parseParameterCount(declared, ""), task);

      expect(arch.name).toBe(wantName);
      expect(arch.scaledFrom).toBeUndefined();
    },
  );

  it.each([
    { declared: "350M", task: "causal-lm", wantName: "SmolLM2-360M" },
    { declared: "8.1B", task: "causal-lm", wantName: "Llama-3-8B" },
    { declared: "65B", task: "causal-lm", wantName: "Llama-3-70B" },
    { declared: "330M", task: "sequence-classification", wantName: "BERT-large" },
  ] as const)(
    "when $declared is within 10% of a known shape, uses $wantName as is",
    ({ declared, task, wantName }) => {
      expect(resolveArchitecture(parseParameterCount(declared, ""), task).name).toBe(wantName);
    },
  );

  it.each([
    { declared: "20B", task: "causal-lm", wantFrom: "Llama-2-13B", wantFamily: "decoder" },
    { declared: "500M", task: "causal-lm", wantFrom: "SmolLM2-360M", wantFamily: "decoder" },
    { declared: "2.5B", task: "causal-lm", wantFrom: "Llama-3.2-3B", wantFamily: "decoder" },
    {
      declared: "150M",
      task: "sequence-classification",
      wantFrom: "BERT-base",
      wantFamily: "encoder",
    },
  ] as const)(
    "when $declared has no shape within 10% for $task, scales $wantFrom to the declared count",
    ({ declared, task, wantFrom, wantFamily }) => {
      const count = parseParameterCount(declared, "");

      const arch = resolveArchitecture(count, task);

      expect(arch.scaledFrom).toBe(wantFrom);
      expect(arch.family).toBe(wantFamily);
      expect(arch.parameters / count).toBeCloseTo(1, 6);
    },
  );

  it("when a classification model has more than 1B parameters, uses a decoder shape", () => {
    const arch = resolveArchitecture(7e9, "sequence-classification");

    expect(arch).toMatchObject({ name: "Mistral-7B", family: "decoder" });
  });

  it("when a shape is scaled, keeps its layers, heads and vocabulary", () => {
    const arch = resolveArchitecture(20e9, "causal-lm");
    const base = shape("Llama-2-13B");

    expect(arch).toMatchObject({
      layers: base.layers,
      attentionHeads: base.attentionHeads,
      vocabSize: base.vocabSize,
    });
    expect(arch.hiddenSize).toBeGreaterThan(base.hiddenSize);
  });
});

describe("formatParameterCount", () => {
  it.each([
    { count: 8.0303e9, want: "8.03B" },
    { count: 66.96e6, want: "66.96M" },
  ])("when the count is $count, shows $want", ({ count, want }) => {
    expect(formatParameterCount(count)).toBe(want);
  });
});
