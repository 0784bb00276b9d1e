import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { countAdmission, registerFineTuneJobMetrics, summarize } from "./metrics.js";

const ready = (reason: string) => [
  {
    type: "Ready",
    status: "False" as const,
    reason,
    message: "",
    lastTransitionTime: "2026-01-01T00:00:00Z",
  },
];
const runs = [
  makeFineTuneJob("a")
    .status({ placement: { pool: "t4" }, conditions: ready("Training"), gpuSeconds: 100 })
    .obj(),
  makeFineTuneJob("b")
    .status({ placement: { pool: "t4" }, conditions: ready("Training"), gpuSeconds: 50 })
    .obj(),
  makeFineTuneJob("c")
    .status({ placement: { pool: "a10g" }, conditions: ready("GPUOutOfMemory"), gpuSeconds: 7 })
    .obj(),
  makeFineTuneJob("d")
    .status({ conditions: ready("InsufficientGPUMemory") })
    .obj(),
];

describe("FineTuneJob metrics", () => {
  it("when summarized, counts runs by pool and Ready reason and sums GPU-seconds by pool", () => {
    const summary = summarize(runs);

    expect([...summary.runs.values()]).toEqual([
      { pool: "t4", reason: "Training", count: 2 },
      { pool: "a10g", reason: "GPUOutOfMemory", count: 1 },
      { pool: "none", reason: "InsufficientGPUMemory", count: 1 },
    ]);
    expect(Object.fromEntries(summary.gpuSeconds)).toEqual({ t4: 150, a10g: 7, none: 0 });
  });

  it("when scraped, exposes the gauges in Prometheus text format", async () => {
    const registry = new Registry();
    registerFineTuneJobMetrics(registry, () => runs);

    const text = await registry.metrics();

    expect(text).toContain('kubetune_operator_finetunejobs{pool="t4",reason="Training"} 2');
    expect(text).toContain('kubetune_operator_finetunejob_gpu_seconds{pool="t4"} 150');
  });

  it.each([
    {
      name: "a first placement",
      before: {},
      after: { placement: { pool: "t4" }, conditions: admitted("True", "Placed") },
      want: ["placed t4"],
    },
    {
      name: "an unchanged placement",
      before: { placement: { pool: "t4" }, conditions: admitted("True", "Placed") },
      after: { placement: { pool: "t4" }, conditions: admitted("True", "Placed") },
      want: [],
    },
    {
      name: "a move to another pool",
      before: { placement: { pool: "t4" }, conditions: admitted("True", "Placed") },
      after: { placement: { pool: "a10g" }, conditions: admitted("True", "Placed") },
      want: ["placed a10g"],
    },
    {
      name: "a refusal",
      before: {},
      after: { conditions: admitted("False", "InsufficientGPUMemory") },
      want: ["refused InsufficientGPUMemory"],
    },
    {
      name: "a refusal seen again",
      before: { conditions: admitted("False", "InsufficientGPUMemory") },
      after: { conditions: admitted("False", "InsufficientGPUMemory") },
      want: [],
    },
  ])("when the status records $name, counts it once", ({ before, after, want }) => {
    const counted: string[] = [];

    countAdmission(before, after, {
      placed: (pool) => counted.push(`placed ${pool}`),
      refused: (reason) => counted.push(`refused ${reason}`),
    });

    expect(counted).toEqual(want);
  });
});

function admitted(status: "True" | "False", reason: string) {
  return [
    { type: "Admitted", status, reason, message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
  ];
}
