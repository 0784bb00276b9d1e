// cluster:down removes everything the real node made on the host, and nothing else.
// It starts a cluster of its own (only one real node can run on a machine, so this suite
// runs on its own: `npm run test:lifecycle`, after the shared cluster of test:int is down),
// runs a pod behind a Service so every kind of host state exists, stops the cluster,
// and compares host snapshots from before and after.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, stopCluster } from "../cluster/src/cluster.js";
import type { HostSnapshot } from "../cluster/src/node/host.js";
import { hostSnapshot } from "../cluster/src/node/host.js";
import { waitUntil } from "../cluster/src/probe.js";
import { isAlive } from "../cluster/src/processes.js";
import { loadKubeConfig } from "../support/kube.js";
import { MEDIUM_MS, POLL_MS } from "../support/timeouts.js";
import { WEB_PORT, webDeployment } from "./workloads.js";

const NAME = `${process.env.KUBETUNE_TEST_CLUSTER ?? "test"}-down`;
const SHIM_SOCKETS = "/run/containerd/s";

interface Observed {
  host: HostSnapshot;
  shimSockets: string[];
}

let before: Observed;
let during: Observed & { pids: number[]; clusterDir: string };
let after: Observed;

const shimSockets = () => {
  try {
    return readdirSync(SHIM_SOCKETS).sort();
  } catch {
    return [];
  }
};

/** Every process in the node's cgroup subtree (pods, shims' children) and its components. */
function nodePids(cgroupRoot: string, componentPids: number[]): number[] {
  const pids = new Set(componentPids);
  const walk = (dir: string) => {
    for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean))
      pids.add(Number(pid));
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(join("/sys/fs/cgroup/pids", cgroupRoot));
  return [...pids];
}

beforeAll(async () => {
  before = { host: await hostSnapshot(), shimSockets: shimSockets() };
  const { state } = await startCluster({ name: NAME, realNode: true });
  const kc = loadKubeConfig(state.kubeconfig);
  const namespace = "default";
  await kc
    .makeApiClient(AppsV1Api)
    .createNamespacedDeployment({ namespace, body: webDeployment("web") });
  await kc.makeApiClient(CoreV1Api).createNamespacedService({
    namespace,
    body: {
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: WEB_PORT }] },
    },
  });
  const apps = kc.makeApiClient(AppsV1Api);
  await waitUntil(
    "the web Deployment Ready",
    async () =>
      (await apps.readNamespacedDeployment({ name: "web", namespace })).status?.readyReplicas === 1,
    { timeoutMs: MEDIUM_MS, intervalMs: POLL_MS },
  );
  const cgroupRoot =
    readFileSync(join(state.dir, "node", "kubelet.yaml"), "utf8").match(/cgroupRoot: (\S+)/)?.[1] ??
    "";
  during = {
    host: await hostSnapshot(),
    shimSockets: shimSockets(),
    pids: nodePids(
      cgroupRoot,
      state.components.map((c) => c.pid),
    ),
    clusterDir: state.dir,
  };
  await stopCluster(NAME);
  after = { host: await hostSnapshot(), shimSockets: shimSockets() };
}, 10 * 60_000);

afterAll(async () => {
  await stopCluster(NAME);
});

const added = (then: string[], now: string[]) => now.filter((item) => !then.includes(item));

describe("cluster:down of a cluster with a real node", () => {
  it("when the node ran a pod behind a Service, it had changed the host (so the checks below can fail)", () => {
    expect(added(before.host.links, during.host.links).length).toBeGreaterThan(0);
    expect(
      added(before.host.iptables.ipv4 ?? [], during.host.iptables.ipv4 ?? []).length,
    ).toBeGreaterThan(0);
    expect(
      during.host.mounts.filter((m) => m.startsWith(during.clusterDir)).length,
    ).toBeGreaterThan(0);
    expect(during.pids.length).toBeGreaterThan(3);
  });

  it("when stopped, leaves no process of the node running", () => {
    expect(during.pids.filter(isAlive)).toEqual([]);
  });

  it("when stopped, leaves no mount under the cluster directory and no network namespace", () => {
    expect(after.host.mounts.filter((m) => m.startsWith(during.clusterDir))).toEqual([]);
    expect(after.host.netns).toEqual(before.host.netns);
  });

  it("when stopped, leaves no bridge or veth link and no shim socket", () => {
    expect(added(before.host.links, after.host.links)).toEqual([]);
    expect(added(before.shimSockets, after.shimSockets)).toEqual([]);
  });

  it("when stopped, leaves the iptables rules and kernel settings as they were", () => {
    expect(after.host.iptables).toEqual(before.host.iptables);
    expect(after.host.sysctls).toEqual(before.host.sysctls);
  });
});
