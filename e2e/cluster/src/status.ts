// A readable summary of a running cluster: what runs, where, and how much memory it takes.
import { readFileSync } from "node:fs";
import type { ClusterState } from "./state.js";
import { isRunning } from "./state.js";

/** Resident memory of a process in MiB, from /proc (0 when it is gone). */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export function describeCluster(state: ClusterState): string {
  const rows = state.components.map((c) => {
    const running = isRunning(c);
    const memory = running ? `${rssMiB(c.pid)} MiB` : "-";
    return `  ${c.name.padEnd(24)} ${(running ? "running" : "stopped").padEnd(8)} pid ${String(c.pid).padEnd(8)} ${memory.padStart(9)}  ${c.logFile}`;
  });
  const total = state.components.filter(isRunning).reduce((sum, c) => sum + rssMiB(c.pid), 0);
  return [
    `Cluster "${state.name}" (${state.server}), started ${state.startedAt}, ready in ${state.readySeconds ?? "?"}s`,
    ...rows,
    `  total RSS ${total} MiB`,
    ...(state.realNode
      ? [
          `  real node ${state.realNode.nodeName}: bridge ${state.realNode.bridge} (${state.realNode.gateway}), pods on ${state.realNode.podCidr}, containerd ${state.realNode.containerdSocket}`,
        ]
      : []),
    `export KUBECONFIG=${state.kubeconfig}`,
  ].join("\n");
}
