import { describe, expect, it } from "vitest";
import { tableDocument } from "../../test/tables.js";
import { compileText } from "./source.js";

describe("compileText", () => {
  it("when the table is valid JSON, compiles it with durations and rates parsed", () => {
    const document = tableDocument(undefined, {
      stickiness: { header: "X-User-Id" },
      requestTimeout: "1m30s",
      cascade: {
        escalateTo: { modelVersion: "llm", version: "v1", endpoints: [] },
        confidenceThreshold: "0.65",
        maxEscalationRate: "0.2",
      },
    });

    const compiled = compileText(JSON.stringify(document));

    expect(compiled.ok && compiled.table).toMatchObject({
      stickyHeader: "x-user-id",
      requestTimeoutMs: 90_000,
      breaker: { failures: 3, openForMs: 5_000 },
      cascade: { threshold: 0.65, maxRate: 0.2, windowMs: 60_000, timeoutMs: 10_000 },
    });
  });

  it("when the table is YAML, compiles it the same way", () => {
    const yaml = [
      "generation: 4",
      "route: r",
      "model: m",
      "variants:",
      "  - { name: a, modelVersion: mv-a, version: v1, weight: 100, endpoints: [] }",
    ].join("\n");

    const compiled = compileText(yaml);

    expect(compiled.ok && compiled.table.generation).toBe(4);
  });

  it.each([
    ["text that is neither JSON nor YAML", "variants: [", "not JSON or YAML"],
    [
      "a table whose weights sum to 90",
      JSON.stringify(tableDocument([{ name: "a", weight: 90 }])),
      "100",
    ],
    ["a table with an unknown field", JSON.stringify({ ...tableDocument(), extra: 1 }), "extra"],
  ])("when given %s, rejects it naming the problem", (_case, text, expected) => {
    const compiled = compileText(text);

    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? "" : compiled.error).toContain(expected);
  });
});
