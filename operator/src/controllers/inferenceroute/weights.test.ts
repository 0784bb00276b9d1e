import { describe, expect, it } from "vitest";
import { apportion, appliedWeights, rolloutWeights } from "./weights.js";

const w = (pairs: [string, number][]) => pairs.map(([name, weight]) => ({ name, weight }));

describe("appliedWeights", () => {
  it.each([
    [
      "every variant is up",
      [
        ["a", 90],
        ["b", 10],
      ],
      ["a", "b"],
      [
        ["a", 90],
        ["b", 10],
      ],
    ],
    [
      "the candidate is down",
      [
        ["a", 90],
        ["b", 10],
      ],
      ["a"],
      [
        ["a", 100],
        ["b", 0],
      ],
    ],
    [
      "one of three is down",
      [
        ["a", 50],
        ["b", 30],
        ["c", 20],
      ],
      ["a", "b"],
      [
        ["a", 63],
        ["b", 37],
        ["c", 0],
      ],
    ],
    [
      "only a dark variant is up",
      [
        ["a", 100],
        ["b", 0],
      ],
      ["b"],
      [
        ["a", 0],
        ["b", 100],
      ],
    ],
    [
      "a dark variant is up beside a live one",
      [
        ["a", 100],
        ["b", 0],
      ],
      ["a", "b"],
      [
        ["a", 100],
        ["b", 0],
      ],
    ],
    [
      "two dark variants are all that is up",
      [
        ["a", 100],
        ["b", 0],
        ["c", 0],
      ],
      ["b", "c"],
      [
        ["a", 0],
        ["b", 50],
        ["c", 50],
      ],
    ],
  ] as const)("when %s, applies %j", (_s, desired, up, want) => {
    const result = appliedWeights(w(desired as never), (name) =>
      (up as readonly string[]).includes(name),
    );

    expect(result).toEqual(w(want as never));
    expect(result?.reduce((sum, x) => sum + x.weight, 0)).toBe(100);
  });

  it("when every variant is down, returns nothing (the previous table stays)", () => {
    expect(
      appliedWeights(
        w([
          ["a", 90],
          ["b", 10],
        ]),
        () => false,
      ),
    ).toBeUndefined();
  });
});

describe("apportion", () => {
  it("when shares have remainders, gives the leftover percents to the largest ones", () => {
    expect(
      apportion(
        w([
          ["a", 1],
          ["b", 1],
          ["c", 1],
        ]),
        100,
      ),
    ).toEqual(
      w([
        ["a", 34],
        ["b", 33],
        ["c", 33],
      ]),
    );
  });
});

describe("rolloutWeights", () => {
  it("when the candidate is at 25%, the others share 75% by their spec weights", () => {
    expect(
      rolloutWeights(
        w([
          ["stable", 100],
          ["canary", 0],
        ]),
        "canary",
        25,
      ),
    ).toEqual(
      w([
        ["stable", 75],
        ["canary", 25],
      ]),
    );
    expect(
      rolloutWeights(
        w([
          ["a", 60],
          ["b", 20],
          ["canary", 20],
        ]),
        "canary",
        50,
      ),
    ).toEqual(
      w([
        ["a", 38],
        ["b", 12],
        ["canary", 50],
      ]),
    );
  });
});
