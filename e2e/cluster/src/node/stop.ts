// Stops the real node and removes everything it made on the host, and nothing else:
// pods are drained first so containerd tears their networks down through CNI; then the
// kubelet, kube-proxy (and its iptables chains), containerd and any shim left (by the
// PIDs in containerd's state), mounts under the cluster directory (pod volumes and
// network namespaces), the bridge, iptables rules that appeared since the node started,
// changed kernel settings, the cgroup subtree and the kubelet's log symlinks.
import {
  existsSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Kubectl } from "../kubectl.js";
import type { ClusterFiles } from "../layout.js";
import { isAlive, stopProcess } from "../processes.js";
import type { ClusterState } from "../state.js";
import { isRunning } from "../state.js";
import { run, tryRun } from "./exec.js";
import type { HostSnapshot } from "./host.js";
import { hostSnapshot, iptablesUndo, parseMountPoints } from "./host.js";
import { deleteBridge, removeCgroupRoot } from "./host-setup.js";
import { otherRealNode, releaseRealNode } from "./machine-lock.js";
import type { NodePlan } from "./plan.js";
import { nodePlan } from "./plan.js";

const DRAIN_TIMEOUT_MS = 30_000;

export async function stopRealNode(
  state: ClusterState,
  files: ClusterFiles,
  kubectl: Kubectl | undefined,
): Promise<string[]> {
  const plan = nodePlan(state.name, files.dir);
  const stop = async (name: string) => {
    const component = state.components.find((c) => c.name === name);
    if (component && isRunning(component)) await stopProcess(component.pid);
  };
  if (kubectl && running(state, "kubelet") && running(state, "kube-apiserver"))
    await drain(plan, kubectl);
  await stop("kubelet");
  await stop("kube-proxy");
  const kubeProxy = state.components.find((c) => c.name === "kube-proxy");
  if (kubeProxy)
    await tryRun(kubeProxy.binary, ["--cleanup", `--config=${plan.dirs.kubeProxyConfig}`]);
  if (running(state, "containerd")) await removeTasks(plan);
  await stop("containerd");
  await killShims(plan);
  const problems = await cleanHost(plan, files);
  releaseRealNode(files.dir);
  return problems;
}

function running(state: ClusterState, name: string): boolean {
  const component = state.components.find((c) => c.name === name);
  return component !== undefined && isRunning(component);
}

async function ctr(plan: NodePlan, args: string[]): Promise<string> {
  return run("ctr", ["--address", plan.dirs.containerdSocket, "-n", "k8s.io", ...args]);
}

/** Cordon, delete the node's pods, and wait until the kubelet has stopped every sandbox. */
async function drain(plan: NodePlan, kubectl: Kubectl): Promise<void> {
  try {
    await kubectl(["cordon", plan.nodeName]);
    await kubectl([
      "delete",
      "pods",
      "--all-namespaces",
      `--field-selector=spec.nodeName=${plan.nodeName}`,
      "--grace-period=0",
      "--force",
      "--wait=false",
    ]);
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (Date.now() < deadline && (await ctr(plan, ["tasks", "ls", "-q"])).trim() !== "")
      await sleep(250);
  } catch {
    // The API or containerd is gone: the sweep below removes what the drain would have.
  }
}

async function removeTasks(plan: NodePlan): Promise<void> {
  const ids = (await ctr(plan, ["tasks", "ls", "-q"]).catch(() => "")).split("\n").filter(Boolean);
  for (const id of ids) {
    await tryRun("ctr", [
      "--address",
      plan.dirs.containerdSocket,
      "-n",
      "k8s.io",
      "tasks",
      "kill",
      "-a",
      "-s",
      "SIGKILL",
      id,
    ]);
    await tryRun("ctr", [
      "--address",
      plan.dirs.containerdSocket,
      "-n",
      "k8s.io",
      "tasks",
      "delete",
      "-f",
      id,
    ]);
  }
}

/** Shims (and their containers) still alive after containerd stopped, by recorded PID. */
async function killShims(plan: NodePlan): Promise<void> {
  const tasks = join(plan.dirs.containerdState, "io.containerd.runtime.v2.task", "k8s.io");
  if (!existsSync(tasks)) return;
  for (const id of readdirSync(tasks)) {
    for (const file of ["init.pid", "shim.pid"]) {
      const pidFile = join(tasks, id, file);
      if (!existsSync(pidFile)) continue;
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      if (pid > 0 && isAlive(pid)) await stopProcess(pid, 2_000);
    }
  }
}

async function cleanHost(plan: NodePlan, files: ClusterFiles): Promise<string[]> {
  removeLogLinks(plan);
  const problems: string[] = [];
  for (const mount of mountsUnder(files.dir)) {
    if (!(await tryRun("umount", [mount])) && !(await tryRun("umount", ["-l", mount])))
      problems.push(`could not unmount ${mount}`);
  }
  await deleteBridge(plan);
  // A stale cluster (its node died with a reboot) must not undo what a live node made since.
  const other = otherRealNode(files.dir);
  if (other)
    problems.push(`left iptables and sysctls alone: cluster "${other}" runs the real node now`);
  else if (existsSync(plan.dirs.hostSnapshot)) {
    const before = JSON.parse(readFileSync(plan.dirs.hostSnapshot, "utf8")) as HostSnapshot;
    problems.push(...(await undoHostChanges(before, plan)));
  }
  problems.push(...removeCgroupRoot(plan.cgroupRoot).map((dir) => `cgroup ${dir} still in use`));
  return problems;
}

/** Mount points inside `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return parseMountPoints(readFileSync("/proc/self/mountinfo", "utf8"))
    .filter((mount) => mount.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** The kubelet links /var/log/containers/*.log to its pod logs; ours point into podLogs. */
function removeLogLinks(plan: NodePlan): void {
  const dir = "/var/log/containers";
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    try {
      if (readlinkSync(join(dir, name)).startsWith(plan.dirs.podLogs)) rmSync(join(dir, name));
    } catch {
      // not a link
    }
  }
}

async function undoHostChanges(before: HostSnapshot, plan: NodePlan): Promise<string[]> {
  const now = await hostSnapshot();
  const problems: string[] = [];
  for (const [family, restore] of [
    ["ipv4", "iptables-restore"],
    ["ipv6", "ip6tables-restore"],
  ] as const) {
    const script = iptablesUndo(
      before.iptables[family] ?? [],
      now.iptables[family] ?? [],
      plan.network,
    );
    if (script.trim() === "") continue;
    try {
      await run(restore, ["--noflush"], { input: script });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const [name, value] of Object.entries(before.sysctls)) {
    if (value === "" || now.sysctls[name] === value) continue;
    try {
      writeFileSync(`/proc/sys/${name}`, value);
    } catch (error) {
      problems.push(`could not restore ${name}=${value}: ${(error as Error).message}`);
    }
  }
  return problems;
}
