import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatErrors, routingTableSchema, validateAgainstSchema } from "../src/index.js";
import type { RoutingTable } from "../src/index.js";

const example = parse(
  readFileSync(
    join(import.meta.dirname, "..", "..", "examples", "router", "routing-table.yaml"),
    "utf8",
  ),
) as RoutingTable;

function validate(table: unknown) {
  return validateAgainstSchema<RoutingTable>(table, routingTableSchema);
}

function withChange(change: (table: RoutingTable) => void): RoutingTable {
  const table = structuredClone(example);
  change(table);
  return table;
}

describe("the routing-table contract", () => {
  it("when the example table is validated, is accepted", () => {
    expect(formatErrors(validate(example).errors)).toEqual([]);
  });

  it("when optional settings are omitted, fills the documented defaults", () => {
    const { value, errors } = validate(
      withChange((t) => {
        delete t.requestTimeout;
        delete t.cascade?.maxEscalationRate;
        delete t.cascade?.window;
        delete t.cascade?.timeout;
      }),
    );

    expect(errors).toEqual([]);
    expect(value.requestTimeout).toBe("30s");
    expect(value.cascade).toMatchObject({ maxEscalationRate: "1", window: "60s", timeout: "10s" });
  });

  it.each([
    ["weights that do not sum to 100", (t: RoutingTable) => (t.variants[0]!.weight = 50), "100"],
    [
      "a mirror of an unknown variant",
      (t: RoutingTable) => (t.mirror = { variant: "x", percent: 5 }),
      "mirror.variant",
    ],
    [
      "an override of an unknown variant",
      (t: RoutingTable) => (t.overrides!.values[0]!.variant = "x"),
      "override",
    ],
    [
      "an endpoint that is not an http base URL",
      (t: RoutingTable) => (t.variants[0]!.endpoints = ["https://a/b"]),
      "endpoints",
    ],
    ["a negative generation", (t: RoutingTable) => (t.generation = -1), "generation"],
    [
      "a rollout of an unknown variant",
      (t: RoutingTable) => (t.rollout = { candidate: "x", step: 0, weight: 10 }),
      "rollout.candidate",
    ],
  ])("when a table has %s, names the problem", (_case, change, expected) => {
    const messages = formatErrors(validate(withChange(change)).errors).join("\n");

    expect(messages).toContain(expected);
  });
});
