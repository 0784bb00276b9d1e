// FineTuneJob gauges, computed from the cache at scrape time so they are always exactly
// what the cluster holds: runs by pool and Ready reason, and GPU-seconds by pool.
import type { FineTuneJob } from "@kubetune/api";
import { isDeepStrictEqual } from "node:util";
import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";
import { findCondition } from "../../runtime/conditions.js";

/** Counters the reconciler bumps when a run is admitted to a pool or refused. */
export interface AdmissionMetrics {
  placed(pool: string): void;
  refused(reason: string): void;
}

export const noAdmissionMetrics: AdmissionMetrics = {
  placed: () => undefined,
  refused: () => undefined,
};

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

export function admissionCounters(registry: Registry): AdmissionMetrics {
  const placements = new Counter({
    name: "kubetune_operator_finetunejob_placements_total",
    help: "FineTuneJobs placed on a GPU pool (moves to another pool count again).",
    labelNames: ["pool"] as const,
    registers: [registry],
  });
  const rejections = new Counter({
    name: "kubetune_operator_finetunejob_admission_rejections_total",
    help: "FineTuneJobs refused admission, by reason (InsufficientGPUMemory, UnknownPool, PoolConfigInvalid, OutputCredentialsMissing).",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  return {
    placed: (pool) => {
      placements.inc({ pool });
    },
    refused: (reason) => {
      rejections.inc({ reason });
    },
  };
}

/** The admission decision a status records, as one comparable string. */
function decision(
  status: FineTuneJob["status"],
): { admitted: string; reason: string; pool: string } | undefined {
  const condition = findCondition(status?.conditions, "Admitted");
  if (!condition) return undefined;
  return {
    admitted: condition.status,
    reason: condition.reason,
    pool: status?.placement?.pool ?? "",
  };
}

/** Counts the admission decisions a status change records: a new pool, or a new refusal. */
export function countAdmission(
  before: FineTuneJob["status"],
  after: FineTuneJob["status"],
  metrics: AdmissionMetrics,
): void {
  const now = decision(after);
  if (!now || isDeepStrictEqual(decision(before), now)) return;
  if (now.admitted === "True" && now.pool) metrics.placed(now.pool);
  if (now.admitted === "False") metrics.refused(now.reason);
}
