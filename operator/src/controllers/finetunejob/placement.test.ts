import type { FineTuneJobSpec, GpuPool } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { DEFAULT_GPU_POOLS } from "../../config/gpu-pools.js";
import type { Placement } from "./placement.js";
import { choosePool } from "./placement.js";

function spec(gpuType = "auto"): FineTuneJobSpec {
  return {
    model: "m",
    baseModel: { name: "b", uri: "s3://b/", parameters: "8B" },
    dataset: { uri: "s3://d/train.jsonl", format: "alpaca" },
    method: "qlora",
    output: { uri: "s3://o/", format: "gguf" },
    resources: { gpu: { type: gpuType, count: 1 } },
  };
}

interface Row {
  name: string;
  gpuType?: string;
  needGiB: number;
  full?: string[];
  want: Partial<{ pool: string; computeDtype: string; reason: string; message: string }>;
}

const rows: Row[] = [
  { name: "a QLoRA run that fits a T4", needGiB: 9, want: { pool: "t4", computeDtype: "fp16" } },
  { name: "a run too big for a T4", needGiB: 20, want: { pool: "a10g", computeDtype: "bf16" } },
  {
    name: "a run too big for every pool",
    needGiB: 30,
    want: { reason: "InsufficientGPUMemory", message: "the largest pool, a10g, has 24.0 GiB" },
  },
  { name: "a full t4 pool", needGiB: 9, full: ["t4"], want: { pool: "a10g" } },
  { name: "every fitting pool full", needGiB: 9, full: ["t4", "a10g"], want: { pool: "t4" } },
  {
    name: "a named pool that fits",
    gpuType: "a10g",
    needGiB: 9,
    want: { pool: "a10g", computeDtype: "bf16" },
  },
  {
    name: "a named pool that is too small",
    gpuType: "t4",
    needGiB: 20,
    want: {
      reason: "InsufficientGPUMemory",
      message: "needs an estimated 20.0 GiB per GPU but pool t4 has 16.0 GiB; pools that fit: a10g",
    },
  },
  {
    name: "a pool that is not configured",
    gpuType: "h100",
    needGiB: 9,
    want: { reason: "UnknownPool", message: "configured pools: t4, a10g" },
  },
];

function summary(placement: Placement) {
  return placement.placed
    ? { pool: placement.pool.name, computeDtype: placement.computeDtype }
    : { reason: placement.reason, message: placement.message };
}

describe("choosePool", () => {
  it.each(rows)("when given $name, decides as expected", (row) => {
    const placement = choosePool({
      spec: spec(row.gpuType),
      pools: DEFAULT_GPU_POOLS,
      estimate: () => ({ totalGiB: row.needGiB }),
      freeGpus: (pool: GpuPool) => (row.full?.includes(pool.name) ? 0 : 1),
    });

    const { message, ...exact } = row.want;
    expect(summary(placement)).toMatchObject({
      ...exact,
      ...(message ? { message: expect.stringContaining(message) } : {}),
    });
  });

  it("when the estimate depends on the dtype, estimates each pool with its own dtype", () => {
    const seen: string[] = [];

    choosePool({
      spec: spec(),
      pools: DEFAULT_GPU_POOLS,
      estimate: (_spec, dtype) => {
        seen.push(dtype);
        return { totalGiB: 1 };
      },
      freeGpus: () => 1,
    });

    expect(seen.sort()).toEqual(["bf16", "fp16"]);
  });
});
