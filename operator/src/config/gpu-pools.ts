// The GPU pools the operator places training runs on: the defaults (NVIDIA T4 and A10G
// pools as the big clouds label them) and the loader for the kubetune-gpu-pools ConfigMap.
import type { GpuPool, GpuPoolConfig } from "@kubetune/api";
import { formatErrors, gpuPoolConfigSchema, validateAgainstSchema } from "@kubetune/api";
import { parse } from "yaml";

const gpuToleration = {
  key: "nvidia.com/gpu",
  operator: "Exists" as const,
  effect: "NoSchedule" as const,
};

export const DEFAULT_GPU_POOLS: GpuPool[] = [
  {
    name: "t4",
    gpuType: "Tesla-T4",
    gpuMemoryGiB: 16,
    bf16: false,
    nodeSelector: { "nvidia.com/gpu.product": "Tesla-T4" },
    tolerations: [gpuToleration],
    pricePerHour: "0.53",
  },
  {
    name: "a10g",
    gpuType: "NVIDIA-A10G",
    gpuMemoryGiB: 24,
    bf16: true,
    nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-A10G" },
    tolerations: [gpuToleration],
    pricePerHour: "1.01",
  },
];

export class PoolConfigError extends Error {}

/** Parses and validates the pools YAML; an invalid configuration is refused whole. */
export function parseGpuPools(text: string, source: string): GpuPool[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new PoolConfigError(`${source} is not YAML: ${(error as Error).message}`);
  }
  const { errors, value: config } = validateAgainstSchema<GpuPoolConfig>(
    value,
    gpuPoolConfigSchema,
  );
  if (errors.length > 0) {
    throw new PoolConfigError(`${source} is invalid: ${formatErrors(errors).join("; ")}`);
  }
  return config.pools;
}
