import { describe, expect, it } from "vitest";
import { seededRandom, table } from "../../test/tables.js";
import { mirrorVariant, pickVariant } from "./pick-variant.js";

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function shares(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return Object.fromEntries(
    Object.entries(counts).map(([name, n]) => [name, (100 * n) / names.length]),
  );
}

describe("pickVariant", () => {
  it.each([
    ["90/10", [90, 10]],
    ["50/50", [50, 50]],
    ["70/20/10", [70, 20, 10]],
    ["99/1", [99, 1]],
  ])(
    "when %s weights split 10,000 unkeyed requests, each share is within 2 points",
    (_case, weights) => {
      const routes = table(weights.map((weight, i) => ({ name: `v${i}`, weight })));
      const random = seededRandom(7);

      const picked = KEYS.map(() => pickVariant(routes, {}, random)!.variant.name);

      const got = shares(picked);
      weights.forEach((weight, i) => {
        expect(Math.abs((got[`v${i}`] ?? 0) - weight)).toBeLessThanOrEqual(2);
      });
    },
  );

  it.each([
    ["90/10", [90, 10]],
    ["70/20/10", [70, 20, 10]],
  ])("when %s weights split 10,000 sticky keys, each share is within 2 points", (_c, weights) => {
    const routes = table(
      weights.map((weight, i) => ({ name: `v${i}`, weight })),
      {
        stickiness: { header: "X-User-Id" },
      },
    );

    const picked = KEYS.map((key) => pickVariant(routes, { "x-user-id": key }, Math.random)!);

    const got = shares(picked.map((c) => c.variant.name));
    weights.forEach((weight, i) => {
      expect(Math.abs((got[`v${i}`] ?? 0) - weight)).toBeLessThanOrEqual(2);
    });
    expect(new Set(picked.map((c) => c.reason))).toEqual(new Set(["sticky"]));
  });

  it("when the same key comes again, it gets the same variant whatever the random draw", () => {
    const routes = table(undefined, { stickiness: { header: "x-user-id" } });

    const first = KEYS.map((key) => pickVariant(routes, { "x-user-id": key }, () => 0.01));
    const again = KEYS.map((key) => pickVariant(routes, { "x-user-id": key }, () => 0.99));

    expect(again.map((c) => c?.variant.name)).toEqual(first.map((c) => c?.variant.name));
  });

  it("when weights move from 90/10 to 80/20, only keys moving to the candidate move, about 10%", () => {
    const before = table(undefined, { stickiness: { header: "x-user-id" } });
    const after = table(
      [
        { name: "stable", weight: 80 },
        { name: "candidate", weight: 20 },
      ],
      { stickiness: { header: "x-user-id" } },
    );

    const moves = KEYS.map((key) => [
      pickVariant(before, { "x-user-id": key }, Math.random)!.variant.name,
      pickVariant(after, { "x-user-id": key }, Math.random)!.variant.name,
    ]).filter(([a, b]) => a !== b);

    expect(moves.every(([from, to]) => from === "stable" && to === "candidate")).toBe(true);
    expect(Math.abs((100 * moves.length) / KEYS.length - 10)).toBeLessThanOrEqual(2);
  });

  it("when a third variant is added at 10%, keys move only to it", () => {
    const sticky = { stickiness: { header: "x-user-id" } };
    const before = table(
      [
        { name: "a", weight: 50 },
        { name: "b", weight: 50 },
        { name: "c", weight: 0 },
      ],
      sticky,
    );
    const after = table(
      [
        { name: "a", weight: 45 },
        { name: "b", weight: 45 },
        { name: "c", weight: 10 },
      ],
      sticky,
    );

    const movedTo = KEYS.flatMap((key) => {
      const from = pickVariant(before, { "x-user-id": key }, Math.random)!.variant.name;
      const to = pickVariant(after, { "x-user-id": key }, Math.random)!.variant.name;
      return from === to ? [] : [to];
    });

    expect(new Set(movedTo)).toEqual(new Set(["c"]));
  });

  it("when the override header names a dark variant, forces it over stickiness", () => {
    const routes = table(
      [
        { name: "stable", weight: 100 },
        { name: "dark", weight: 0 },
      ],
      {
        stickiness: { header: "x-user-id" },
        overrides: { header: "x-force", values: [{ value: "beta", variant: "dark" }] },
      },
    );

    const choice = pickVariant(routes, { "x-force": "beta", "x-user-id": "u1" }, Math.random);
    const unknownValue = pickVariant(routes, { "x-force": "gamma" }, Math.random);

    expect(choice).toMatchObject({ variant: { name: "dark" }, reason: "override" });
    expect(unknownValue).toMatchObject({ variant: { name: "stable" }, reason: "weighted" });
  });

  it("when a variant has weight 0, no unkeyed or sticky request gets it", () => {
    const routes = table(
      [
        { name: "stable", weight: 100 },
        { name: "dark", weight: 0 },
      ],
      { stickiness: { header: "x-user-id" } },
    );
    const random = seededRandom(3);

    const names = new Set([
      ...KEYS.slice(0, 1000).map(
        (k) => pickVariant(routes, { "x-user-id": k }, random)!.variant.name,
      ),
      ...KEYS.slice(0, 1000).map(() => pickVariant(routes, {}, random)!.variant.name),
    ]);

    expect(names).toEqual(new Set(["stable"]));
  });
});

describe("mirrorVariant", () => {
  const routes = table(undefined, { mirror: { variant: "candidate", percent: 25 } });

  it.each([
    ["a draw under the percent", "stable", 0.2, "candidate"],
    ["a draw at the percent", "stable", 0.25, undefined],
    ["a primary that is the mirror itself", "candidate", 0.0, undefined],
  ])("when %s, mirrors to %s", (_case, primary, draw, want) => {
    const got = mirrorVariant(routes, routes.byName.get(primary)!, draw);

    expect(got?.name).toBe(want);
  });
});
