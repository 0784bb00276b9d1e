import { describe, expect, it } from "vitest";
import { aggregate, softmax, windowsOf } from "./aggregate.js";
import { labelGrammar, parseAnswer, promptParts } from "./prompt.js";

const labels = ["cs.AI", "cs.CV", "stat.ML"];

describe("classify aggregation", () => {
  it("when one window answers, top is its answer and scores are the softmax of label log-probs", () => {
    const result = aggregate({
      id: "d1",
      labels,
      multiLabel: false,
      topK: 3,
      windows: [{ logProbs: [Math.log(0.2), Math.log(0.6), Math.log(0.2)], answer: ["cs.CV"] }],
    });

    expect(result.top).toBe("cs.CV");
    expect(result.windows).toBe(1);
    expect(result.labels.map((l) => l.label)).toEqual(["cs.CV", "cs.AI", "stat.ML"]);
    expect(result.labels[0]!.score).toBeCloseTo(0.6);
    expect(result.predicted).toBeUndefined();
  });

  it("when windows disagree, the majority answer wins and scores are averaged", () => {
    const result = aggregate({
      id: "d1",
      labels,
      multiLabel: false,
      topK: 2,
      windows: [
        { logProbs: [0, -5, -5], answer: ["cs.AI"] },
        { logProbs: [-5, 0, -5], answer: ["stat.ML"] },
        { logProbs: [-5, -5, 0], answer: ["stat.ML"] },
      ],
    });

    expect(result.top).toBe("stat.ML");
    expect(result.labels).toHaveLength(2);
    expect(result.labels.reduce((s, l) => s + l.score, 0)).toBeLessThan(1);
  });

  it("when the model is multi-label, predicted holds the labels at least half the windows chose", () => {
    const result = aggregate({
      id: "d1",
      labels,
      multiLabel: true,
      topK: 3,
      windows: [
        { logProbs: [0, 0, 0], answer: ["cs.AI", "cs.CV"] },
        { logProbs: [0, 0, 0], answer: ["cs.AI"] },
      ],
    });

    expect(result.predicted).toEqual(["cs.AI", "cs.CV"]);
  });

  it("when scores are computed, softmax is stable for large log-probs and sums to 1", () => {
    const probs = softmax([-1000, -1001, -1002]);

    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(probs[0]).toBeGreaterThan(probs[1]!);
  });

  it.each([
    [10, 16, [[0, 10]]],
    [
      20,
      8,
      [
        [0, 8],
        [6, 14],
        [12, 20],
      ],
    ],
  ])(
    "when %i tokens are windowed by %i, windows overlap by a quarter and cover the end",
    (n, size, want) => {
      const tokens = Array.from({ length: n }, (_, i) => i);

      const windows = windowsOf(tokens, size).map((w) => [w[0], w.at(-1)! + 1]);

      expect(windows).toEqual(want);
    },
  );
});

describe("classify prompt and grammar", () => {
  it("when the template has {text} and {labels}, splits around the text and lists the labels", () => {
    expect(promptParts("Pick one of {labels}.\n{text}\nAnswer:", labels)).toEqual({
      before: "Pick one of cs.AI, cs.CV, stat.ML.\n",
      after: "\nAnswer:",
    });
  });

  it("when the template lacks {text}, refuses it", () => {
    expect(() => promptParts("no placeholder", labels)).toThrow(/\{text\}/);
  });

  it("when the model is single-label, the grammar admits exactly one label", () => {
    expect(labelGrammar(labels, false)).toBe(
      'root ::= " "? label\nlabel ::= "cs.AI" | "cs.CV" | "stat.ML"',
    );
  });

  it("when the model is multi-label, the grammar admits a comma-separated set", () => {
    expect(labelGrammar(labels, true).split("\n")[0]).toBe('root ::= " "? label ("," label){0,2}');
  });

  it("when an answer repeats a label, parseAnswer keeps it once", () => {
    expect(parseAnswer(" cs.AI,cs.CV,cs.AI", labels)).toEqual(["cs.AI", "cs.CV"]);
  });
});
