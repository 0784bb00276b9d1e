// Free GPUs per pool: the pool's nodes' allocatable nvidia.com/gpu minus what unfinished
// training pods aimed at the pool request. Pure; the inputs come from the caches.
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import type { GpuPool } from "@kubetune/api";
import type { KubeClient } from "../../runtime/client.js";
import { Kinds } from "../../runtime/kinds.js";
import { GPU_RESOURCE } from "./desired.js";

const matches = (labels: Record<string, string> | undefined, selector: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

function gpus(quantity: string | undefined): number {
  const value = Number(quantity ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export function freeGpus(
  pool: GpuPool,
  nodes: readonly V1Node[],
  trainerPods: readonly V1Pod[],
): number {
  const capacity = nodes
    .filter(
      (node) => matches(node.metadata?.labels, pool.nodeSelector) && !node.spec?.unschedulable,
    )
    .reduce((sum, node) => sum + gpus(node.status?.allocatable?.[GPU_RESOURCE]), 0);
  const used = trainerPods
    .filter((pod) => pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed")
    .filter((pod) => matches(pod.spec?.nodeSelector, pool.nodeSelector))
    .reduce(
      (sum, pod) =>
        sum +
        (pod.spec?.containers ?? []).reduce(
          (n, c) => n + gpus(c.resources?.requests?.[GPU_RESOURCE]),
          0,
        ),
      0,
    );
  return Math.max(0, capacity - used);
}

/** Free GPUs per pool, from the node and training-pod caches. */
export async function capacity(client: KubeClient): Promise<(pool: GpuPool) => number> {
  const nodes = await client.list<V1Node>(Kinds.Node);
  const trainers = await client.list<V1Pod>(Kinds.Pod, {
    labels: {
      "app.kubernetes.io/component": "trainer",
      "app.kubernetes.io/managed-by": "kubetune-operator",
    },
  });
  return (pool) => freeGpus(pool, nodes, trainers);
}
