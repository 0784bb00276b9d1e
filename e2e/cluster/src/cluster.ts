// Starts and stops one local cluster: etcd → kube-apiserver → kube-controller-manager →
// kube-scheduler → KWOK, then the simulated nodes and kubetune's CRDs, then (unless opted
// out) the real kubelet node of node/.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Binaries } from "./binaries.js";
import { resolveBinaries } from "./binaries.js";
import {
  apiServerArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  schedulerArgs,
} from "./components.js";
import { kubectlFor } from "./kubectl.js";
import { releaseRealNode } from "./node/machine-lock.js";
import { reserveRealNode, startRealNode } from "./node/start.js";
import { stopRealNode } from "./node/stop.js";
import type { ClusterFiles, Ports } from "./layout.js";
import { PORT_NAMES, clusterFiles } from "./layout.js";
import { readLayout } from "./nodes.js";
import { CLUSTER_SOURCE_DIR, REPO_ROOT, clusterDir } from "./paths.js";
import { freePorts } from "./ports.js";
import { prepareClusterDir } from "./prepare.js";
import type { TlsOptions } from "./probe.js";
import type { ComponentPlan } from "./component.js";
import { startComponent } from "./component.js";
import { stopProcess } from "./processes.js";
import type { ClusterState } from "./state.js";
import { isRunning, readState, writeState } from "./state.js";

export interface StartOptions {
  name: string;
  /** Node pool layout; default e2e/cluster/pools.yaml. */
  layoutFile?: string;
  /** KWOK configuration (stages); default e2e/cluster/kwok/kwok.yaml. */
  kwokConfigFile?: string;
  /** Start the real (kubelet) node too; default true unless KUBETUNE_REAL_NODE=false. */
  realNode?: boolean;
  log?: (line: string) => void;
}

export function realNodeWanted(option: boolean | undefined): boolean {
  return option ?? process.env.KUBETUNE_REAL_NODE !== "false";
}

export interface StartResult {
  state: ClusterState;
  alreadyRunning: boolean;
}

export async function startCluster(options: StartOptions): Promise<StartResult> {
  const files = clusterFiles(clusterDir(options.name));
  const existing = readState(files.state);
  if (existing && existing.components.some(isRunning))
    return { state: checkExisting(existing), alreadyRunning: true };
  const log =
    options.log ??
    ((line: string) => {
      console.error(line);
    });
  mkdirSync(dirname(files.dir), { recursive: true });
  const release = acquireLock(files);
  try {
    if (realNodeWanted(options.realNode)) reserveRealNode(options.name, files.dir);
  } catch (error) {
    release();
    throw error;
  }
  try {
    // Nothing of an earlier cluster runs any more (a reboot, a failed start): start afresh.
    rmSync(files.dir, { recursive: true, force: true });
    const state = await bootstrap(files, options, log);
    return { state, alreadyRunning: false };
  } catch (error) {
    await stopStarted(files);
    throw error;
  } finally {
    release();
  }
}

function checkExisting(state: ClusterState): ClusterState {
  const stopped = state.components.filter((c) => !isRunning(c)).map((c) => c.name);
  if (stopped.length > 0) {
    throw new Error(
      `cluster "${state.name}" in ${state.dir} is only partly running (${stopped.join(", ")} stopped); run npm run cluster:down first`,
    );
  }
  return state;
}

/** After a failed start: stop what did start, keep the logs for whoever reads the error. */
async function stopStarted(files: ClusterFiles): Promise<void> {
  const state = readState(files.state);
  if (state?.realNode) await stopNode(state, files);
  releaseRealNode(files.dir);
  for (const component of [...(state?.components ?? [])].reverse()) {
    if (isRunning(component)) await stopProcess(component.pid);
  }
  rmSync(files.state, { force: true });
}

function acquireLock(files: ClusterFiles): () => void {
  let fd: number;
  try {
    fd = openSync(files.lock, "wx");
  } catch {
    throw new Error(
      `another cluster:up is starting a cluster in ${files.dir} (remove ${files.lock} if it crashed)`,
    );
  }
  closeSync(fd);
  return () => {
    if (existsSync(files.lock)) unlinkSync(files.lock);
  };
}

async function bootstrap(
  files: ClusterFiles,
  options: StartOptions,
  log: (line: string) => void,
): Promise<ClusterState> {
  const started = Date.now();
  const binaries = await resolveBinaries();
  const ports = await freePorts(PORT_NAMES);
  const server = `https://127.0.0.1:${ports.apiServer}`;
  const layout = readLayout(options.layoutFile ?? join(CLUSTER_SOURCE_DIR, "pools.yaml"));
  const kwokConfig = options.kwokConfigFile ?? join(CLUSTER_SOURCE_DIR, "kwok", "kwok.yaml");
  const { nodesFile } = await prepareClusterDir({
    files,
    server,
    contextName: `kubetune-${options.name}`,
    kwokConfig,
    layout,
  });
  const state: ClusterState = {
    name: options.name,
    dir: files.dir,
    kubeconfig: files.kubeconfig("admin"),
    server,
    ports,
    kubectl: binaries.kubectl,
    components: [],
    startedAt: new Date(started).toISOString(),
  };
  writeState(files.state, state);
  for (const plan of componentPlans(files, ports, binaries)) {
    await startComponent(plan, state, files);
    log(`started ${plan.name} (pid ${state.components.at(-1)?.pid})`);
  }
  await provision(binaries, files, nodesFile, log);
  if (realNodeWanted(options.realNode)) {
    const kubectl = kubectlFor(binaries.kubectl, files.kubeconfig("admin"));
    await startRealNode({ files, state, kubectl, contextName: `kubetune-${options.name}`, log });
  }
  state.readySeconds = Math.round((Date.now() - started) / 100) / 10;
  writeState(files.state, state);
  return state;
}

function componentPlans(files: ClusterFiles, ports: Ports, binaries: Binaries): ComponentPlan[] {
  const loopback = "127.0.0.1";
  const selfSigned: TlsOptions = { insecure: true };
  return [
    {
      name: "etcd",
      binary: binaries.etcd,
      args: etcdArgs(files, ports),
      healthUrl: `http://${loopback}:${ports.etcdClient}/health`,
    },
    {
      name: "kube-apiserver",
      binary: binaries["kube-apiserver"],
      args: apiServerArgs(files, ports),
      healthUrl: `https://${loopback}:${ports.apiServer}/readyz`,
      tls: adminTls(files),
    },
    {
      name: "kube-controller-manager",
      binary: binaries["kube-controller-manager"],
      args: controllerManagerArgs(files, ports),
      healthUrl: `https://${loopback}:${ports.controllerManager}/healthz`,
      tls: selfSigned,
    },
    {
      name: "kube-scheduler",
      binary: binaries["kube-scheduler"],
      args: schedulerArgs(files, ports),
      healthUrl: `https://${loopback}:${ports.scheduler}/healthz`,
      tls: selfSigned,
    },
    {
      name: "kwok",
      binary: binaries.kwok,
      args: kwokArgs(files, ports),
      healthUrl: `http://${loopback}:${ports.kwok}/healthz`,
    },
  ];
}

/** The admin client's TLS material, read back from its kubeconfig. */
function adminTls(files: ClusterFiles): TlsOptions {
  const text = readFileSync(files.kubeconfig("admin"), "utf8");
  const field = (name: string) => {
    const match = new RegExp(`${name}: (\\S+)`).exec(text);
    return match?.[1] ? Buffer.from(match[1], "base64").toString("utf8") : undefined;
  };
  return {
    ca: field("certificate-authority-data"),
    cert: field("client-certificate-data"),
    key: field("client-key-data"),
  };
}

async function provision(
  binaries: Binaries,
  files: ClusterFiles,
  nodesFile: string,
  log: (line: string) => void,
) {
  const kubectl = kubectlFor(binaries.kubectl, files.kubeconfig("admin"));
  await kubectl(["apply", "--server-side", "--field-manager=kubetune-cluster", "-f", nodesFile]);
  await kubectl(["wait", "--for=condition=Ready", "node", "--all", "--timeout=60s"]);
  log("simulated nodes are Ready");
  await kubectl([
    "apply",
    "--server-side",
    "--field-manager=kubetune-cluster",
    "-f",
    join(REPO_ROOT, "crds", "generated"),
  ]);
  await kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"]);
  log("kubetune CRDs are installed");
}

/** Stops exactly the recorded processes, newest first, then removes the cluster's directory. */
export async function stopCluster(name: string): Promise<ClusterState | undefined> {
  const files = clusterFiles(clusterDir(name));
  const state = readState(files.state);
  if (!state) return undefined;
  if (state.realNode) await stopNode(state, files);
  for (const component of [...state.components].reverse()) {
    if (isRunning(component)) await stopProcess(component.pid);
  }
  rmSync(files.dir, { recursive: true, force: true });
  return state;
}

/** Stops the real node while the API server still runs, so its pods can be drained. */
async function stopNode(state: ClusterState, files: ClusterFiles): Promise<void> {
  const kubectl = state.kubectl ? kubectlFor(state.kubectl, files.kubeconfig("admin")) : undefined;
  const problems = await stopRealNode(state, files, kubectl);
  for (const problem of problems) console.error(`[cluster] real node cleanup: ${problem}`);
}
