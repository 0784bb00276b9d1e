// The host objects the real node owns besides its processes: a cgroup subtree of its own
// in every cgroup v1 hierarchy (the kubelet's cgroupRoot) and the pod bridge. Both are
// named per cluster (plan.ts) and removed on cluster:down.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { run, tryRun } from "./exec.js";
import type { NodePlan } from "./plan.js";

/** Mount points of cgroup hierarchies of the given types, from /proc/mounts. */
export function cgroupHierarchies(procMounts: string, types: readonly string[]): string[] {
  return procMounts
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => types.includes(fields[2] ?? ""))
    .map((fields) => fields[1] ?? "")
    .filter(Boolean);
}

// The kubelet (cgroupfs driver) needs its root in every v1 hierarchy; on a hybrid host runc
// also mirrors the tree into the v2 "unified" mount, so removal covers both.
const hierarchies = (types: readonly string[] = ["cgroup"]) =>
  cgroupHierarchies(readFileSync("/proc/mounts", "utf8"), types);

export function createCgroupRoot(root: string): void {
  for (const hierarchy of hierarchies()) {
    const dir = join(hierarchy, root);
    mkdirSync(dir, { recursive: true });
    // A new cpuset cgroup starts with no CPUs or memory nodes; inherit the parent's.
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      const own = join(dir, file);
      if (existsSync(own) && readFileSync(own, "utf8").trim() === "")
        writeFileSync(own, readFileSync(join(dirname(dir), file), "utf8"));
    }
  }
}

/** rmdir, children first; a cgroup with processes left in it stays (and is reported). */
export function removeCgroupRoot(root: string): string[] {
  const left: string[] = [];
  const remove = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) remove(join(dir, entry.name));
    try {
      rmdirSync(dir);
    } catch {
      left.push(dir);
    }
  };
  for (const hierarchy of hierarchies(["cgroup", "cgroup2"])) {
    const dir = join(hierarchy, root);
    if (existsSync(dir)) remove(dir);
  }
  return left;
}

/** The bridge with the gateway address, made before the kubelet so it is the node's IP. */
export async function createBridge(plan: NodePlan): Promise<void> {
  const prefix = plan.podCidr.split("/")[1] ?? "24";
  await run("ip", ["link", "add", "name", plan.bridge, "type", "bridge"]);
  await run("ip", ["addr", "add", `${plan.gateway}/${prefix}`, "dev", plan.bridge]);
  await run("ip", ["link", "set", plan.bridge, "up"]);
}

export async function deleteBridge(plan: NodePlan): Promise<void> {
  await tryRun("ip", ["link", "delete", plan.bridge]);
}
