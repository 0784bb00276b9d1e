// Where a training run goes: the pool it names, or with `auto` the cheapest pool whose
// GPU memory holds the run and that has a free GPU, else the cheapest that fits. Pure.
import type { FineTuneJobSpec, GpuPool } from "@kubetune/api";
import { FineTuneJobReasons } from "@kubetune/api";

export type ComputeDtype = "bf16" | "fp16";

/** The part of a memory estimate placement needs. */
export interface MemoryEstimate {
  totalGiB: number;
}

export type Estimator = (spec: FineTuneJobSpec, dtype: ComputeDtype) => MemoryEstimate;

export interface PlacementInput {
  spec: FineTuneJobSpec;
  pools: readonly GpuPool[];
  estimate: Estimator;
  /** GPUs not yet requested on the pool's nodes. */
  freeGpus: (pool: GpuPool) => number;
  /** Pools already tried and given up on (unschedulable too long). */
  exclude?: readonly string[];
}

export interface Placed {
  placed: true;
  pool: GpuPool;
  computeDtype: ComputeDtype;
  estimatedGiB: number;
  why: string;
  /** True when this is the decision recorded in status by an earlier reconcile. */
  recorded?: boolean;
}

export interface Refused {
  placed: false;
  reason: (typeof FineTuneJobReasons)["InsufficientGPUMemory" | "UnknownPool"];
  message: string;
}

export type Placement = Placed | Refused;

/** Pools without bf16 (T4 and older) train in fp16. */
export function computeDtypeOf(pool: GpuPool): ComputeDtype {
  return pool.bf16 ? "bf16" : "fp16";
}

const gib = (value: number) => `${value.toFixed(1)} GiB`;

export function choosePool(input: PlacementInput): Placement {
  const requested = input.spec.resources?.gpu?.type ?? "auto";
  return requested === "auto" ? chooseAutomatically(input) : checkNamedPool(input, requested);
}

function fit(input: PlacementInput, pool: GpuPool) {
  const computeDtype = computeDtypeOf(pool);
  const estimatedGiB = input.estimate(input.spec, computeDtype).totalGiB;
  return { pool, computeDtype, estimatedGiB, fits: estimatedGiB <= pool.gpuMemoryGiB };
}

function checkNamedPool(input: PlacementInput, name: string): Placement {
  const pool = input.pools.find((p) => p.name === name);
  if (!pool) {
    const known = input.pools.map((p) => p.name).join(", ");
    return {
      placed: false,
      reason: FineTuneJobReasons.UnknownPool,
      message: `GPU pool "${name}" is not configured; configured pools: ${known}`,
    };
  }
  const result = fit(input, pool);
  if (result.fits) return { placed: true, ...result, why: `pool ${name} was requested and fits` };
  const alternatives = input.pools
    .filter((p) => p !== pool && fit(input, p).fits)
    .map((p) => p.name);
  const advice =
    alternatives.length > 0
      ? `; pools that fit: ${alternatives.join(", ")}`
      : "; no configured pool fits";
  return {
    placed: false,
    reason: FineTuneJobReasons.InsufficientGPUMemory,
    message: `the run needs an estimated ${gib(result.estimatedGiB)} per GPU but pool ${name} has ${gib(pool.gpuMemoryGiB)}${advice}`,
  };
}

function chooseAutomatically(input: PlacementInput): Placement {
  const excluded = new Set(input.exclude ?? []);
  const fitting = input.pools
    .filter((p) => !excluded.has(p.name))
    .map((p) => fit(input, p))
    .filter((r) => r.fits)
    .sort((a, b) => Number(a.pool.pricePerHour) - Number(b.pool.pricePerHour));
  const gpus = input.spec.resources?.gpu?.count ?? 1;
  const withCapacity = fitting.find((r) => input.freeGpus(r.pool) >= gpus);
  if (withCapacity)
    return {
      placed: true,
      ...withCapacity,
      why: `cheapest pool that fits with ${gpus} free GPU(s)`,
    };
  const cheapest = fitting[0];
  if (cheapest)
    return {
      placed: true,
      ...cheapest,
      why: "cheapest pool that fits; no pool that fits has a free GPU now",
    };
  return refuseEverywhere(input);
}

function refuseEverywhere(input: PlacementInput): Refused {
  const largest = [...input.pools].sort((a, b) => b.gpuMemoryGiB - a.gpuMemoryGiB)[0];
  if (!largest)
    return {
      placed: false,
      reason: FineTuneJobReasons.InsufficientGPUMemory,
      message: "no GPU pool is configured",
    };
  const needed = fit(input, largest).estimatedGiB;
  return {
    placed: false,
    reason: FineTuneJobReasons.InsufficientGPUMemory,
    message: `the run needs an estimated ${gib(needed)} per GPU; the largest pool, ${largest.name}, has ${gib(largest.gpuMemoryGiB)}. Use qlora, a smaller batch or sequence length, or gradient checkpointing`,
  };
}
