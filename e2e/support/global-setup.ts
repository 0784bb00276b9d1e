// Vitest global setup for the integration and e2e suites: starts the local cluster
// "test" (or KUBETUNE_TEST_CLUSTER, so two checkouts can test side by side) once per run (binaries cached; a cold first run builds them), or, with
// USE_EXISTING_CLUSTER=true (the envtest convention), uses the cluster KUBECONFIG names
// and installs the CRDs there. Tests read the kubeconfig with inject("kubeconfig").
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { TestProject } from "vitest/node";
import { parseAllDocuments } from "yaml";
import { startCluster, stopCluster } from "../cluster/src/cluster.js";
import { REPO_ROOT } from "../cluster/src/paths.js";
import { modelsDir, startArtifactServer } from "./artifact-server.js";
import { applyObject, loadKubeConfig } from "./kube.js";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfig: string;
    /** Component logs, printed when a test fails; empty for an existing cluster. */
    clusterLogDir: string;
    /** The harness artifact server on the real node's network; empty without a real node. */
    artifactBaseUrl: string;
    /** The real node's containerd socket, to import images into; empty without one. */
    containerdSocket: string;
  }
}

const CLUSTER_NAME = process.env.KUBETUNE_TEST_CLUSTER ?? "test";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.USE_EXISTING_CLUSTER === "true") {
    const kubeconfig = process.env.KUBECONFIG;
    if (!kubeconfig)
      throw new Error("USE_EXISTING_CLUSTER=true needs KUBECONFIG to name the cluster");
    await installCrds(kubeconfig);
    project.provide("kubeconfig", kubeconfig);
    project.provide("clusterLogDir", "");
    project.provide("artifactBaseUrl", "");
    project.provide("containerdSocket", "");
    return async () => {};
  }
  const { state } = await startCluster({
    name: CLUSTER_NAME,
    log: (line) => {
      console.error(`[cluster] ${line}`);
    },
  });
  console.error(
    `[cluster] "${CLUSTER_NAME}" ready in ${state.readySeconds ?? "?"}s; KUBECONFIG=${state.kubeconfig}`,
  );
  project.provide("kubeconfig", state.kubeconfig);
  project.provide("clusterLogDir", join(state.dir, "logs"));
  const artifacts = state.realNode
    ? await startArtifactServer(modelsDir(), state.realNode.gateway)
    : undefined;
  project.provide("artifactBaseUrl", artifacts?.url ?? "");
  project.provide("containerdSocket", state.realNode?.containerdSocket ?? "");
  return async () => {
    await artifacts?.close();
    if (process.env.KUBETUNE_KEEP_CLUSTER === "true") {
      console.error(
        `[cluster] kept running (KUBETUNE_KEEP_CLUSTER=true): npm run cluster:down -- --name ${CLUSTER_NAME}`,
      );
      return;
    }
    await stopCluster(CLUSTER_NAME);
  };
}

async function installCrds(kubeconfig: string): Promise<void> {
  const kc = loadKubeConfig(kubeconfig);
  const dir = join(REPO_ROOT, "crds", "generated");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
      await applyObject(kc, doc.toJS() as KubernetesObject);
    }
  }
}
