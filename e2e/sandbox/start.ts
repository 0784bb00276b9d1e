// `npm start`: kubetune's local sandbox. Uses the cluster KUBECONFIG names when set;
// otherwise starts (or reuses) the local cluster "local". Installs the CRDs, the
// kubetune-system namespace and the default GPU-pool configuration, then runs the
// operator in the foreground until Ctrl-C.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { startCluster } from "../cluster/src/cluster.js";
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

async function kubeconfigToUse(): Promise<string> {
  if (process.env.KUBECONFIG) {
    console.error(`Using the cluster in KUBECONFIG=${process.env.KUBECONFIG}`);
    return process.env.KUBECONFIG;
  }
  console.error(
    'Starting the local cluster "local" (the first run builds it from source: about ten minutes)',
  );
  const { state } = await startCluster({ name: "local", realNode: realNodeIfPossible() });
  console.error(
    `Cluster ready; to use it: export KUBECONFIG=${state.kubeconfig}  (stop it: npm run cluster:down)`,
  );
  return state.kubeconfig;
}

const kubeconfig = await kubeconfigToUse();
await install(kubeconfig);
const operator = await spawnOperator(
  kubeconfig,
  {
    KUBETUNE_HEALTH_ADDR: process.env.KUBETUNE_HEALTH_ADDR ?? "127.0.0.1:8081",
  },
  "inherit",
);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => operator.kill(signal));
operator.on("exit", (code) => process.exit(code ?? 0));
