import { describe, expect, it } from "vitest";
import { applyMergePatch, mergePatchBetween } from "./merge-patch.js";

describe("mergePatchBetween", () => {
  it.each([
    ["a changed field", { a: 1, b: 2 }, { a: 1, b: 3 }, { b: 3 }],
    ["a removed field", { a: 1, progress: { step: 3 } }, { a: 1 }, { progress: null }],
    ["an undefined field", { a: 1, b: 2 }, { a: 1, b: undefined }, { b: null }],
    [
      "a nested change",
      { p: { pool: "t4", tried: ["a"] } },
      { p: { pool: "a10g", tried: ["a"] } },
      { p: { pool: "a10g" } },
    ],
    [
      "a nested removal",
      { p: { pool: "t4", reason: "x" } },
      { p: { pool: "t4" } },
      { p: { reason: null } },
    ],
    ["a changed list, sent whole", { c: [1, 2] }, { c: [1, 3] }, { c: [1, 3] }],
    ["nothing changed", { a: { b: 1 } }, { a: { b: 1 } }, {}],
    ["no previous document", undefined, { a: 1 }, { a: 1 }],
  ])("when %s, patches only that", (_case, from, to, expected) => {
    expect(mergePatchBetween(from, to)).toEqual(expected);
  });

  it.each([
    [
      { a: 1, progress: { step: 3, loss: "0.5" }, c: [1] },
      { a: 2, c: [2, 3] },
    ],
    [{ p: { pool: "t4", why: "cheapest" } }, { p: { pool: "a10g" }, moved: true }],
    [{}, { a: { b: { c: 1 } } }],
  ])("when applied to %j, yields %j exactly", (from, to) => {
    expect(applyMergePatch(from, mergePatchBetween(from, to))).toEqual(to);
  });
});
