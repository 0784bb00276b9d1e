import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { registerFineTuneJobMetrics, summarize } from "./metrics.js";

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
});
