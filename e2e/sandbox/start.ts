// `npm start`: kubetune's local sandbox. Uses the cluster KUBECONFIG names when set;
// otherwise starts (or reuses) the local cluster "local". Installs the CRDs, the
// kubetune-system namespace and the default GPU-pool configuration, then runs the
// operator in the foreground until Ctrl-C. With the real node, serving and router pods
// are placed on it (the KWOK nodes run nothing) and the images `npm run images` built
// are imported into its containerd first.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { builtImage } from "../../images/src/metadata.js";
import { startCluster } from "../cluster/src/cluster.js";
import { importArchives } from "../cluster/src/node/import.js";
import { realNodeServingSettings } from "../cluster/src/node/manifests.js";
import { checkPrerequisites } from "../cluster/src/node/prereqs.js";
import { REPO_ROOT } from "../cluster/src/paths.js";
import { applyObject, loadKubeConfig } from "../support/kube.js";
import { spawnOperator } from "../support/operator-process.js";

function manifests(path: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(path, "utf8"))
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((doc): doc is KubernetesObject => doc !== null);
}

async function install(kubeconfig: string): Promise<void> {
  const kc = loadKubeConfig(kubeconfig);
  const crdDir = join(REPO_ROOT, "crds", "generated");
  const objects = [
    ...readdirSync(crdDir)
      .filter((file) => file.endsWith(".yaml"))
      .flatMap((file) => manifests(join(crdDir, file))),
    ...manifests(join(REPO_ROOT, "examples", "00-namespaces.yaml")),
    ...manifests(join(REPO_ROOT, "examples", "gpu-pools.yaml")),
  ];
  for (const object of objects) await applyObject(kc, object);
  console.error(`Installed ${objects.length} objects: CRDs, namespaces and the GPU pools`);
}

/**
 * The sandbox runs without the real node when this machine cannot host one (the GPU pools
 * are KWOK's either way), saying why; the test suites, which need it, fail instead.
 */
function realNodeIfPossible(): boolean {
  if (process.env.KUBETUNE_REAL_NODE === "false") return false;
  try {
    checkPrerequisites();
    return true;
  } catch (error) {
    console.error(`Starting without the real node: ${(error as Error).message}`);
    return false;
  }
}

interface Sandbox {
  kubeconfig: string;
  /** The real node's containerd socket; undefined without a real node. */
  containerdSocket?: string;
}

async function clusterToUse(): Promise<Sandbox> {
  if (process.env.KUBECONFIG) {
    console.error(`Using the cluster in KUBECONFIG=${process.env.KUBECONFIG}`);
    return { kubeconfig: process.env.KUBECONFIG };
  }
  console.error(
    'Starting the local cluster "local" (the first run builds it from source: about ten minutes)',
  );
  const { state } = await startCluster({ name: "local", realNode: realNodeIfPossible() });
  console.error(
    `Cluster ready; to use it: export KUBECONFIG=${state.kubeconfig}  (stop it: npm run cluster:down)`,
  );
  const socket = state.realNode?.containerdSocket;
  return { kubeconfig: state.kubeconfig, ...(socket ? { containerdSocket: socket } : {}) };
}

/** The serving images, when built: without them serving pods cannot pull theirs (ErrImagePull). */
async function importServingImages(socket: string): Promise<void> {
  let archives: string[];
  try {
    archives = SERVING_COMPONENTS.map((component) => builtImage(component).archive);
  } catch (error) {
    console.error(`Serving pods cannot start yet: ${(error as Error).message}`);
    return;
  }
  console.error("Importing the serving images into the real node (a minute or two)");
  await importArchives(socket, archives);
}

const SERVING_COMPONENTS = ["encoder", "llm", "router"] as const;
const sandbox = await clusterToUse();
await install(sandbox.kubeconfig);
if (sandbox.containerdSocket) await importServingImages(sandbox.containerdSocket);
const operator = await spawnOperator(
  sandbox.kubeconfig,
  {
    KUBETUNE_HEALTH_ADDR: process.env.KUBETUNE_HEALTH_ADDR ?? "127.0.0.1:8081",
    ...(sandbox.containerdSocket ? realNodeServingSettings : {}),
  },
  "inherit",
);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => operator.kill(signal));
operator.on("exit", (code) => process.exit(code ?? 0));
