// FineTuneJob gauges, computed from the cache at scrape time so they are always exactly
// what the cluster holds: runs by pool and Ready reason, and GPU-seconds by pool.
import type { FineTuneJob } from "@kubetune/api";
import { Gauge } from "prom-client";
import type { Registry } from "prom-client";
import { findCondition } from "../../runtime/conditions.js";

interface Summary {
  runs: Map<string, { pool: string; reason: string; count: number }>;
  gpuSeconds: Map<string, number>;
}

function labelsOf(ftj: FineTuneJob) {
  return {
    pool: ftj.status?.placement?.pool ?? "none",
    reason: findCondition(ftj.status?.conditions, "Ready")?.reason ?? "Unknown",
    gpuSeconds: ftj.status?.gpuSeconds ?? 0,
  };
}

/** Pure: runs counted by (pool, Ready reason); GPU-seconds summed by pool. */
export function summarize(ftjs: readonly FineTuneJob[]): Summary {
  const summary: Summary = { runs: new Map(), gpuSeconds: new Map() };
  for (const { pool, reason, gpuSeconds } of ftjs.map(labelsOf)) {
    const key = `${pool}/${reason}`;
    const count = summary.runs.get(key)?.count ?? 0;
    summary.runs.set(key, { pool, reason, count: count + 1 });
    summary.gpuSeconds.set(pool, (summary.gpuSeconds.get(pool) ?? 0) + gpuSeconds);
  }
  return summary;
}

export function registerFineTuneJobMetrics(registry: Registry, list: () => FineTuneJob[]): void {
  new Gauge({
    name: "kubetune_operator_finetunejobs",
    help: "FineTuneJobs by GPU pool and the reason of their Ready condition (Training, ModelVersionCreated, GPUOutOfMemory, …).",
    labelNames: ["pool", "reason"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const row of summarize(list()).runs.values())
        this.set({ pool: row.pool, reason: row.reason }, row.count);
    },
  });
  new Gauge({
    name: "kubetune_operator_finetunejob_gpu_seconds",
    help: "GPU-seconds used by the FineTuneJobs in the cluster, by GPU pool.",
    labelNames: ["pool"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, seconds] of summarize(list()).gpuSeconds) this.set({ pool }, seconds);
    },
  });
}
