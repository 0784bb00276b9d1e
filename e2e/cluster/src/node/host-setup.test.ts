import { describe, expect, it } from "vitest";
import { cgroupHierarchies } from "./host-setup.js";

const mounts = [
  "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0",
  "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0",
  "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
  "proc /proc proc rw 0 0",
].join("\n");

describe("cgroupHierarchies", () => {
  it("when asked for v1 hierarchies, lists only cgroup mounts", () => {
    expect(cgroupHierarchies(mounts, ["cgroup"])).toEqual([
      "/sys/fs/cgroup/cpu",
      "/sys/fs/cgroup/memory",
    ]);
  });

  it("when asked for both versions, includes the unified mount", () => {
    expect(cgroupHierarchies(mounts, ["cgroup", "cgroup2"])).toHaveLength(3);
  });
});
