// Turns the pool layout (pools.yaml) into Node objects that look like a GPU cloud's:
// NVIDIA feature-discovery labels, nvidia.com/gpu capacity and the GPU taint.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface PoolGroup {
  /** Pool name, also the value of the kubetune.io/pool label; groups may share a pool. */
  name: string;
  instanceType: string;
  nodes: number;
  cpu: string;
  memory: string;
  gpu?: { product: string; memoryMiB: number; count: number };
}

export interface NodeLayout {
  pools: PoolGroup[];
}

export const POOL_LABEL = "kubetune.io/pool";
export const GPU_RESOURCE = "nvidia.com/gpu";
export const GPU_TAINT = { key: GPU_RESOURCE, value: "present", effect: "NoSchedule" } as const;
export const ZONE = "local-1a";

export function readLayout(file: string): NodeLayout {
  const layout = parse(readFileSync(file, "utf8")) as NodeLayout;
  for (const group of layout.pools) {
    if (!group.name || !group.instanceType || !(group.nodes > 0)) {
      throw new Error(`${file}: every pool needs a name, an instanceType and nodes > 0`);
    }
  }
  return layout;
}

export interface NodeObject {
  apiVersion: "v1";
  kind: "Node";
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { taints?: { key: string; value: string; effect: string }[] };
  status: { capacity: Record<string, string>; allocatable: Record<string, string> };
}

/** Node names are <pool>-<instance type size>-<n>, unique across groups of one pool. */
export function nodeObjects(layout: NodeLayout): NodeObject[] {
  return layout.pools.flatMap((group) =>
    Array.from({ length: group.nodes }, (_, index) => nodeObject(group, index)),
  );
}

function nodeObject(group: PoolGroup, index: number): NodeObject {
  const size = group.instanceType.split(".").pop() ?? "node";
  const name = `${group.name}-${size}-${index}`;
  const resources: Record<string, string> = { cpu: group.cpu, memory: group.memory, pods: "110" };
  if (group.gpu) resources[GPU_RESOURCE] = String(group.gpu.count);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { ...commonLabels(group, name), ...(group.gpu ? gpuLabels(group.gpu) : {}) },
      annotations: { "kwok.x-k8s.io/node": "fake" },
    },
    spec: group.gpu ? { taints: [{ ...GPU_TAINT }] } : {},
    status: { capacity: resources, allocatable: resources },
  };
}

function commonLabels(group: PoolGroup, name: string): Record<string, string> {
  return {
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "node.kubernetes.io/instance-type": group.instanceType,
    "topology.kubernetes.io/zone": ZONE,
    [POOL_LABEL]: group.name,
    type: "kwok",
  };
}

function gpuLabels(gpu: NonNullable<PoolGroup["gpu"]>): Record<string, string> {
  return {
    "nvidia.com/gpu.present": "true",
    "nvidia.com/gpu.product": gpu.product,
    "nvidia.com/gpu.memory": String(gpu.memoryMiB),
    "nvidia.com/gpu.count": String(gpu.count),
  };
}
