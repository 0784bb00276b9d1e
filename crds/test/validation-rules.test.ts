import { describe, expect, it } from "vitest";
import { formatErrors, validateResource } from "../src/index.js";
import type { Manifest } from "./manifests.js";
import type { RejectRow } from "./rule-cases.js";
import { immutableUpdates, rejected } from "./rule-cases.js";
import { contract, contractWith } from "./manifests.js";

function messagesFor(manifest: Manifest, old?: Manifest): string[] {
  return formatErrors(validateResource(manifest, old ? { old } : {}).errors);
}

describe("rules that reject a manifest", () => {
  it.each(rejected)("when given $name, rejects it naming the field and the rule", (row) => {
    const manifest = contractWith(row.kind, row.change);

    const messages = messagesFor(manifest);

    expect(messages).toEqual([expect.stringContaining(row.wantMessage)]);
  });
});

describe("immutable fields", () => {
  it.each(immutableUpdates)("when an update changes $name, rejects it", (row) => {
    const old = contract(row.kind);
    const updated = contractWith(row.kind, row.change);

    expect(messagesFor(updated, old)).toEqual([expect.stringContaining(row.wantMessage)]);
  });

  it.each(immutableUpdates)("when a new object sets $name, accepts it", (row) => {
    expect(messagesFor(contractWith(row.kind, row.change))).toEqual([]);
  });

  it("when an update changes only mutable fields, accepts it", () => {
    const old = contract("FineTuneJob");
    const updated = contractWith("FineTuneJob", (m) => (m.spec.activeDeadlineSeconds = 7200));

    expect(messagesFor(updated, old)).toEqual([]);
  });

  it("when a stage changes, accepts it", () => {
    const old = contract("ModelVersion");
    const updated = contractWith("ModelVersion", (m) => (m.spec.stage = "archived"));

    expect(messagesFor(updated, old)).toEqual([]);
  });
});

describe("rules at their boundaries", () => {
  const accepted: Omit<RejectRow, "wantMessage">[] = [
    {
      name: "a dark variant with weight 0",
      kind: "InferenceRoute",
      change: (m) => {
        m.spec.variants[0].weight = 100;
        m.spec.variants[1].weight = 0;
      },
    },
    {
      name: "a 52-character name",
      kind: "InferenceRoute",
      change: (m) => (m.metadata.name = "a".repeat(52)),
    },
    {
      name: "a learning rate of 0.0002",
      kind: "FineTuneJob",
      change: (m) => (m.spec.hyperparameters.learningRate = "0.0002"),
    },
    {
      name: "a confidence threshold of 1",
      kind: "InferenceRoute",
      change: (m) => (m.spec.cascade.confidenceThreshold = "1"),
    },
    {
      name: "a memory quantity written as a number",
      kind: "ModelVersion",
      change: (m) => (m.spec.serving = { resources: { requests: { cpu: 2, memory: "2Gi" } } }),
    },
  ];

  it.each(accepted)("when given $name, accepts it", (row) => {
    expect(messagesFor(contractWith(row.kind, row.change))).toEqual([]);
  });
});
