import { describe, expect, it } from "vitest";
import type { AnswerOptions } from "./aggregate.js";
import { WindowTally, answer, probabilities, sigmoid, softmax } from "./aggregate.js";

const names = ["a", "b", "c"];
const options = (overrides: Partial<AnswerOptions> = {}): AnswerOptions => ({
  names,
  problem: "single_label_classification",
  aggregation: "mean",
  topK: 3,
  threshold: 0.5,
  ...overrides,
});

function tallyOf(...windows: number[][]): WindowTally {
  const tally = new WindowTally(3);
  for (const probs of windows) tally.add(probs);
  return tally;
}

describe("softmax and sigmoid", () => {
  it("when logits are large, softmax stays finite and sums to one", () => {
    const probs = softmax([1000, 1001, 999]);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(probs[1]).toBeGreaterThan(probs[0]!);
  });

  it("when logits are zero, sigmoid gives one half each", () => {
    expect([...sigmoid([0, 0])]).toEqual([0.5, 0.5]);
  });

  it("when the problem is multi-label, probabilities are independent sigmoids", () => {
    expect([...probabilities([0, 0], "multi_label_classification")]).toEqual([0.5, 0.5]);
    expect([...probabilities([0, 0], "single_label_classification")]).toEqual([0.5, 0.5]);
  });
});

describe("answer", () => {
  it("when two windows of three vote b, vote ranks b first even though a has the higher mean", () => {
    const tally = tallyOf([0.1, 0.6, 0.3], [0.2, 0.5, 0.3], [0.98, 0.01, 0.01]);

    expect(answer(tally, options({ aggregation: "vote" })).top).toBe("b");
    expect(answer(tally, options({ aggregation: "mean" })).top).toBe("a");
  });

  it("when votes tie, vote ranks the label with the higher mean probability first", () => {
    const tally = tallyOf([0.45, 0.55, 0], [0.9, 0.1, 0]);

    expect(answer(tally, options({ aggregation: "vote" })).labels.map((l) => l.label)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("when topK is 1, returns only the best label with its mean probability", () => {
    const result = answer(tallyOf([0.2, 0.7, 0.1], [0.2, 0.5, 0.3]), options({ topK: 1 }));

    expect(result.labels).toHaveLength(1);
    expect(result.labels[0]!.label).toBe("b");
    expect(result.labels[0]!.score).toBeCloseTo(0.6);
    expect(result.windows).toBe(2);
    expect(result.predicted).toBeUndefined();
  });

  it("when the model is multi-label, predicts every label at or above the threshold", () => {
    const result = answer(
      tallyOf([0.9, 0.6, 0.1]),
      options({ problem: "multi_label_classification", threshold: 0.6 }),
    );

    expect(result.predicted).toEqual(["a", "b"]);
  });
});
