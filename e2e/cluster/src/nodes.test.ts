import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTER_SOURCE_DIR } from "./paths.js";
import { GPU_RESOURCE, POOL_LABEL, nodeObjects, readLayout } from "./nodes.js";

const nodes = nodeObjects(readLayout(join(CLUSTER_SOURCE_DIR, "pools.yaml")));
const byPool = (pool: string) => nodes.filter((n) => n.metadata.labels[POOL_LABEL] === pool);

describe("the default pool layout", () => {
  it("when rendered, has two t4 nodes with one T4 each, as feature discovery labels them", () => {
    expect(byPool("t4")).toHaveLength(2);
    for (const node of byPool("t4")) {
      expect(node.metadata.labels).toMatchObject({
        "nvidia.com/gpu.product": "Tesla-T4",
        "nvidia.com/gpu.memory": "15360",
        "nvidia.com/gpu.count": "1",
        "node.kubernetes.io/instance-type": "g4dn.xlarge",
      });
      expect(node.status.allocatable[GPU_RESOURCE]).toBe("1");
    }
  });

  it("when rendered, has an a10g pool with one single-GPU node and one four-GPU node", () => {
    expect(
      byPool("a10g")
        .map((n) => n.status.capacity[GPU_RESOURCE])
        .sort(),
    ).toEqual(["1", "4"]);
  });

  it("when rendered, taints every GPU node and no CPU node", () => {
    const tainted = nodes.filter((n) =>
      n.spec.taints?.some((t) => t.key === GPU_RESOURCE && t.effect === "NoSchedule"),
    );
    expect(tainted.map((n) => n.metadata.name).sort()).toEqual(
      nodes
        .filter((n) => n.status.capacity[GPU_RESOURCE])
        .map((n) => n.metadata.name)
        .sort(),
    );
    expect(byPool("cpu").every((n) => !n.spec.taints)).toBe(true);
  });

  it("when rendered, marks every node for KWOK and gives each a unique name", () => {
    expect(nodes.every((n) => n.metadata.annotations["kwok.x-k8s.io/node"] === "fake")).toBe(true);
    expect(new Set(nodes.map((n) => n.metadata.name)).size).toBe(nodes.length);
  });
});
