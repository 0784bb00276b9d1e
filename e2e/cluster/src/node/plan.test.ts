import { describe, expect, it } from "vitest";
import { nodePlan } from "./plan.js";

describe("nodePlan", () => {
  it("when two clusters are planned, gives each its own bridge, network, CIDR and cgroup", () => {
    const a = nodePlan("test", "/state/test");
    const b = nodePlan("real-node", "/state/real-node");

    expect(a.bridge).not.toBe(b.bridge);
    expect(a.network).not.toBe(b.network);
    expect(a.podCidr).not.toBe(b.podCidr);
    expect(a.cgroupRoot).not.toBe(b.cgroupRoot);
  });

  it("when planned, names a bridge the kernel accepts and a gateway inside the pod CIDR", () => {
    const plan = nodePlan("a-rather-long-cluster-name", "/state/x");

    expect(plan.bridge.length).toBeLessThanOrEqual(15);
    expect(plan.gateway.replace(/\.1$/, ".0/24")).toBe(plan.podCidr);
  });

  it("when planned, keeps every state path under the cluster's directory", () => {
    const plan = nodePlan("test", "/state/test");

    for (const path of Object.values(plan.dirs)) expect(path).toMatch(/^\/state\/test\/node(\/|$)/);
  });
});
