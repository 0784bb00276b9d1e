import { describe, expect, it } from "vitest";
import { planWindows, windowCount, windowRanges } from "./windows.js";

describe("planWindows", () => {
  it("when windows are 512 tokens with 2 special tokens and 25% overlap, strides 383 of 510", () => {
    expect(planWindows(512, 2, 0.25)).toEqual({ size: 510, stride: 383 });
  });

  it.each([
    { windowTokens: 2, overlap: 0.25, wantError: /no room for text/ },
    { windowTokens: 16, overlap: 1, wantError: /overlap must be in \[0, 1\)/ },
    { windowTokens: 16, overlap: -0.1, wantError: /overlap must be in \[0, 1\)/ },
  ])(
    "when windowTokens is $windowTokens and overlap $overlap, refuses the plan",
    ({ windowTokens, overlap, wantError }) => {
      expect(() => planWindows(windowTokens, 2, overlap)).toThrow(wantError);
    },
  );
});

describe("windowRanges", () => {
  const plan = { size: 10, stride: 8 };

  it.each([
    { tokens: 0, want: [[0, 0]] },
    { tokens: 7, want: [[0, 7]] },
    { tokens: 10, want: [[0, 10]] },
    {
      tokens: 25,
      want: [
        [0, 10],
        [8, 18],
        [15, 25],
      ],
    },
  ])(
    "when a document has $tokens tokens, covers it with $want.length windows",
    ({ tokens, want }) => {
      expect([...windowRanges(tokens, plan)]).toEqual(want);
      expect(windowCount(tokens, plan)).toBe(want.length);
    },
  );

  it("when a document has 20,000 tokens, every token is in a window and no window is oversize", () => {
    const big = planWindows(512, 2, 0.25);
    const ranges = [...windowRanges(20_000, big)];
    const covered = new Set<number>();
    for (const [start, end] of ranges) for (let t = start; t < end; t++) covered.add(t);

    expect(covered.size).toBe(20_000);
    expect(ranges.every(([start, end]) => end - start === big.size)).toBe(true);
    expect(ranges).toHaveLength(windowCount(20_000, big));
  });
});
