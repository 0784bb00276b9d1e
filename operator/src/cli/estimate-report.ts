// What `kubetune estimate` reports: the estimate, each pool's verdict, and the decision
// placement would take (the operator's own choosePool, so the CLI and the operator agree).
import type { FineTuneJob, GpuPool } from "@kubetune/api";
import type { Placement } from "../controllers/finetunejob/placement.js";
import { choosePool, computeDtypeOf } from "../controllers/finetunejob/placement.js";
import type { ComputeDtype, MemoryEstimate } from "../estimator/index.js";
import { estimateMemory } from "../estimator/index.js";

export interface PoolVerdict {
  name: string;
  gpuType: string;
  gpuMemoryGiB: number;
  computeDtype: ComputeDtype;
  pricePerHour: string;
  estimatedGiB: number;
  fits: boolean;
}

export interface EstimateReport {
  fineTuneJob: { namespace?: string; name: string };
  baseModel: { name: string; parameters: string };
  /** The estimate in the dtype of the pool placement chose, or of the largest pool. */
  estimate: MemoryEstimate;
  pools: PoolVerdict[];
  /** spec.resources.gpu.type: auto or a pool name. */
  requested: string;
  placement: Placement;
  /** The pool `auto` would pick, whatever was requested; null when none fits. */
  autoPick: string | null;
}

/** Every pool has a free GPU as far as the CLI knows: it sees no cluster. */
const anyCapacity = () => Number.POSITIVE_INFINITY;

export function buildReport(job: FineTuneJob, pools: readonly GpuPool[]): EstimateReport {
  const { spec, metadata } = job;
  const verdicts = pools.map((pool) => verdictFor(job, pool));
  const placement = choosePool({ spec, pools, estimate: estimateMemory, freeGpus: anyCapacity });
  const autoSpec = { ...spec, resources: { gpu: { ...spec.resources?.gpu, type: "auto" } } };
  const auto = choosePool({
    spec: autoSpec,
    pools,
    estimate: estimateMemory,
    freeGpus: anyCapacity,
  });
  return {
    fineTuneJob: {
      ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
      name: metadata.name,
    },
    baseModel: { name: spec.baseModel.name, parameters: spec.baseModel.parameters },
    estimate: estimateMemory(spec, shownDtype(placement, pools)),
    pools: verdicts,
    requested: spec.resources?.gpu?.type ?? "auto",
    placement,
    autoPick: auto.placed ? auto.pool.name : null,
  };
}

function verdictFor(job: FineTuneJob, pool: GpuPool): PoolVerdict {
  const computeDtype = computeDtypeOf(pool);
  const estimatedGiB = estimateMemory(job.spec, computeDtype).totalGiB;
  return {
    name: pool.name,
    gpuType: pool.gpuType,
    gpuMemoryGiB: pool.gpuMemoryGiB,
    computeDtype,
    pricePerHour: pool.pricePerHour,
    estimatedGiB,
    fits: estimatedGiB <= pool.gpuMemoryGiB,
  };
}

function shownDtype(placement: Placement, pools: readonly GpuPool[]): ComputeDtype {
  if (placement.placed) return placement.computeDtype;
  const largest = [...pools].sort((a, b) => b.gpuMemoryGiB - a.gpuMemoryGiB)[0];
  return largest === undefined ? "fp16" : computeDtypeOf(largest);
}
