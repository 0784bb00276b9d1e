// One real node per machine: kube-proxy's iptables chains (KUBE-SERVICES, …) have fixed,
// machine-wide names, so two kube-proxies would overwrite each other's rules. The owner
// is recorded in /run (machine-wide, gone after a reboot) and checked by PID.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive } from "../processes.js";

const LOCK_DIR = process.env.KUBETUNE_RUN_DIR ?? "/run/kubetune";
const LOCK_FILE = join(LOCK_DIR, "real-node.json");

interface Owner {
  cluster: string;
  dir: string;
  /** containerd's PID: the node counts as running while it lives. */
  pid: number;
}

function readOwner(): Owner | undefined {
  try {
    return JSON.parse(readFileSync(LOCK_FILE, "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

/** The other cluster whose real node runs on this machine, if any. */
export function otherRealNode(dir: string): string | undefined {
  const owner = readOwner();
  return owner && owner.dir !== dir && owner.pid > 0 && isAlive(owner.pid)
    ? owner.cluster
    : undefined;
}

/** Fails when another cluster's real node runs on this machine. */
export function claimRealNode(cluster: string, dir: string): void {
  const other = otherRealNode(dir);
  if (other) {
    throw new Error(
      `the real node of cluster "${other}" runs on this machine, and only one can (kube-proxy's iptables chains are machine-wide); stop it (npm run cluster:down -- --name ${other}) or start this cluster with --no-real-node`,
    );
  }
  mkdirSync(LOCK_DIR, { recursive: true });
  writeFileSync(LOCK_FILE, JSON.stringify({ cluster, dir, pid: 0 }));
}

export function recordRealNodePid(cluster: string, dir: string, pid: number): void {
  writeFileSync(LOCK_FILE, JSON.stringify({ cluster, dir, pid }));
}

export function releaseRealNode(dir: string): void {
  if (readOwner()?.dir === dir) rmSync(LOCK_FILE, { force: true });
}
