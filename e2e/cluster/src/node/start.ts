// Starts the real node of a running control plane: host setup (cgroup root, bridge),
// containerd with our CRI configuration and images, the kubelet, kube-proxy, and cluster
// DNS. Every process is recorded in the cluster's state as soon as it starts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { NodeBinaries } from "../binaries.js";
import { NODE_COMPONENTS, resolveBinaries } from "../binaries.js";
import { startComponent } from "../component.js";
import type { Kubectl } from "../kubectl.js";
import type { ClusterFiles } from "../layout.js";
import { freePorts } from "../ports.js";
import { waitUntil } from "../probe.js";
import type { ClusterState } from "../state.js";
import { writeState } from "../state.js";
import type { NodePorts } from "./config.js";
import {
  cniConflist,
  containerdConfig,
  kubeProxyConfig,
  kubeletConfig,
  nodeLabels,
  resolvConf,
} from "./config.js";
import { run } from "./exec.js";
import { hostSnapshot } from "./host.js";
import { createBridge, createCgroupRoot } from "./host-setup.js";
import { buildImage, nodeImageRecipes } from "./images.js";
import { importArchives } from "./import.js";
import { claimRealNode, recordRealNodePid } from "./machine-lock.js";
import { DNS_NAMESPACE, nodeManifests } from "./manifests.js";
import type { NodePlan } from "./plan.js";
import { nodePlan } from "./plan.js";
import { checkPrerequisites } from "./prereqs.js";

export interface NodeContext {
  files: ClusterFiles;
  state: ClusterState;
  kubectl: Kubectl;
  contextName: string;
  log: (line: string) => void;
}

const PORT_NAMES = ["kubelet", "kubeletHealthz", "kubeProxyHealthz", "kubeProxyMetrics"] as const;

/** Before anything starts: the host has what the node needs, and no other real node runs. */
export function reserveRealNode(cluster: string, dir: string): void {
  checkPrerequisites();
  claimRealNode(cluster, dir);
}

export async function startRealNode(ctx: NodeContext): Promise<void> {
  const plan = nodePlan(ctx.state.name, ctx.files.dir);
  const binaries = await resolveBinaries(NODE_COMPONENTS);
  const ports: NodePorts = await freePorts(PORT_NAMES);
  await recordHostAndPlan(plan, ctx);
  createCgroupRoot(plan.cgroupRoot);
  await createBridge(plan);
  writeNodeFiles(plan, ports, ctx.files);
  await startContainerd(plan, ctx);
  const imagesStarted = Date.now();
  await importNodeImages(plan, binaries.coredns);
  ctx.log(`containerd is ready with the node's images (${(Date.now() - imagesStarted) / 1000}s)`);
  const corednsKubeconfig = readFileSync(ctx.files.kubeconfig("coredns"), "utf8");
  await ctx.kubectl(
    ["apply", "--server-side", "--field-manager=kubetune-cluster", "-f", "-"],
    nodeManifests(plan, ctx.contextName, corednsKubeconfig),
  );
  await startKubelet(plan, ports, binaries, ctx);
  await startKubeProxy(plan, ports, binaries, ctx);
  await ctx.kubectl([
    "rollout",
    "status",
    "-n",
    DNS_NAMESPACE,
    "deployment/coredns",
    "--timeout=90s",
  ]);
  ctx.log(`real node ${plan.nodeName} is Ready (pods on ${plan.podCidr}, DNS running)`);
}

/** What the host looked like before (cluster:down undoes exactly the difference). */
async function recordHostAndPlan(plan: NodePlan, ctx: NodeContext): Promise<void> {
  for (const dir of [plan.dirs.cniConf, plan.dirs.podLogs, dirname(plan.dirs.containerdConfig)])
    mkdirSync(dir, { recursive: true });
  writeFileSync(plan.dirs.hostSnapshot, JSON.stringify(await hostSnapshot()));
  ctx.state.realNode = {
    nodeName: plan.nodeName,
    bridge: plan.bridge,
    gateway: plan.gateway,
    podCidr: plan.podCidr,
    containerdSocket: plan.dirs.containerdSocket,
  };
  writeState(ctx.files.state, ctx.state);
}

async function startKubeProxy(
  plan: NodePlan,
  ports: NodePorts,
  binaries: NodeBinaries,
  ctx: NodeContext,
): Promise<void> {
  await startComponent(
    {
      name: "kube-proxy",
      binary: binaries["kube-proxy"],
      args: [`--config=${plan.dirs.kubeProxyConfig}`],
      healthUrl: `http://127.0.0.1:${ports.kubeProxyHealthz}/healthz`,
    },
    ctx.state,
    ctx.files,
  );
}

function writeNodeFiles(plan: NodePlan, ports: NodePorts, files: ClusterFiles): void {
  const d = plan.dirs;
  writeFileSync(d.containerdConfig, containerdConfig(plan));
  writeFileSync(join(d.cniConf, "10-kubetune.conflist"), cniConflist(plan));
  writeFileSync(d.kubeletConfig, kubeletConfig(plan, ports, files.caCert));
  writeFileSync(d.kubeProxyConfig, kubeProxyConfig(plan, ports, files.kubeconfig("kube-proxy")));
  writeFileSync(d.resolvConf, resolvConf(readFileSync("/etc/resolv.conf", "utf8")));
}

async function startContainerd(plan: NodePlan, ctx: NodeContext): Promise<void> {
  const socket = plan.dirs.containerdSocket;
  await startComponent(
    {
      name: "containerd",
      binary: "/usr/bin/containerd",
      args: ["--config", plan.dirs.containerdConfig],
      ready: async () => {
        try {
          await run("ctr", ["--address", socket, "version"]);
          return true;
        } catch {
          return false;
        }
      },
    },
    ctx.state,
    ctx.files,
  );
  const containerd = ctx.state.components.at(-1);
  recordRealNodePid(ctx.state.name, ctx.files.dir, containerd?.pid ?? 0);
}

async function importNodeImages(plan: NodePlan, coredns: string): Promise<void> {
  const archives: string[] = [];
  for (const recipe of nodeImageRecipes(coredns)) archives.push(await buildImage(recipe));
  await importArchives(plan.dirs.containerdSocket, archives);
}

async function startKubelet(
  plan: NodePlan,
  ports: NodePorts,
  binaries: NodeBinaries,
  ctx: NodeContext,
): Promise<void> {
  await startComponent(
    {
      name: "kubelet",
      binary: binaries.kubelet,
      args: [
        `--config=${plan.dirs.kubeletConfig}`,
        `--kubeconfig=${ctx.files.kubeconfig("kubelet")}`,
        `--root-dir=${plan.dirs.kubeletRoot}`,
        `--hostname-override=${plan.nodeName}`,
        `--node-ip=${plan.gateway}`,
        `--node-labels=${nodeLabels()}`,
      ],
      healthUrl: `http://127.0.0.1:${ports.kubeletHealthz}/healthz`,
    },
    ctx.state,
    ctx.files,
  );
  // `kubectl wait` fails at once for a node that has not registered yet.
  await waitUntil(
    `node ${plan.nodeName} registered`,
    async () =>
      (await ctx.kubectl(["get", "nodes", "-o", "name"])).includes(`node/${plan.nodeName}`),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  await ctx.kubectl(["wait", "--for=condition=Ready", `node/${plan.nodeName}`, "--timeout=60s"]);
}
