import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_GPU_POOLS, PoolConfigError, parseGpuPools } from "./gpu-pools.js";

const example = parse(
  readFileSync(join(import.meta.dirname, "..", "..", "..", "examples", "gpu-pools.yaml"), "utf8"),
) as {
  data: Record<string, string>;
};

describe("GPU pools", () => {
  it("when the example ConfigMap is parsed, equals the operator's defaults (they must not drift)", () => {
    expect(parseGpuPools(example.data["pools.yaml"]!, "example")).toEqual(DEFAULT_GPU_POOLS);
  });

  it.each([
    ["not YAML", "pools: [", "example is not YAML"],
    [
      "a pool without memory",
      "pools: [{name: t4, gpuType: T4, bf16: false, nodeSelector: {}, pricePerHour: '1'}]",
      "pools[0].gpuMemoryGiB: Required value",
    ],
    ["no pools", "pools: []", "pools: Invalid value"],
  ])("when the configuration is %s, refuses it naming the problem", (_name, text, want) => {
    expect(() => parseGpuPools(text, "example")).toThrow(PoolConfigError);
    expect(() => parseGpuPools(text, "example")).toThrow(want);
  });
});
