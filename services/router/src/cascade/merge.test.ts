import type { ClassifyResult } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { mergeEscalation, unsureResults } from "./merge.js";

function result(id: string, top: string, score: number): ClassifyResult {
  return { id, labels: [{ label: top, score }], top, windows: 1 };
}

const encoder = [result("a", "cs.LG", 0.9), result("b", "cs.CL", 0.4), result("c", "math", 0.5)];

describe("unsureResults", () => {
  it.each([
    [0.6, [1, 2]],
    [0.5, [1]],
    [0.0, []],
  ])("when the threshold is %s, picks the results scored below it", (threshold, want) => {
    expect(unsureResults(encoder, threshold)).toEqual(want);
  });

  it("when a result has no labels, counts it as unsure", () => {
    expect(unsureResults([{ id: "x", labels: [], top: "", windows: 1 }], 0.1)).toEqual([0]);
  });
});

describe("mergeEscalation", () => {
  it("when the LLM answered, replaces those results and marks every result", () => {
    const merged = mergeEscalation(encoder, {
      escalated: [1],
      answers: [result("b", "cs.AI", 0.8)],
      overBudget: [2],
    });

    expect(merged).toEqual([
      { ...encoder[0], escalated: false },
      { ...result("b", "cs.AI", 0.8), escalated: true },
      { ...encoder[2], escalated: false, escalation: "budget-exhausted" },
    ]);
  });

  it("when the LLM failed, keeps the encoder answers marked llm-failed", () => {
    const merged = mergeEscalation(encoder, {
      escalated: [1, 2],
      answers: undefined,
      overBudget: [],
    });

    expect(merged.map((r) => [r.top, r.escalated, r.escalation])).toEqual([
      ["cs.LG", false, undefined],
      ["cs.CL", false, "llm-failed"],
      ["math", false, "llm-failed"],
    ]);
  });
});
