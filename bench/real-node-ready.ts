// Benchmark (not a test): how long a Deployment on the real node takes from creation to
// Ready (containerd sandbox, CNI, busybox httpd, an HTTP readiness probe), against the same
// Deployment on a KWOK cpu node measured in the same run (the control plane's share alone).
//
//   npm run bench:real-node -- [--name bench-node] [--rounds 5]
//
// Prints the median seconds of each and their ratio. Starts the cluster when it is not
// running (and stops it again); only one real node can run per machine.
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { AppsV1Api } from "@kubernetes/client-node";
import type { V1Deployment } from "@kubernetes/client-node";
import { startCluster, stopCluster } from "../e2e/cluster/src/cluster.js";
import { POOL_LABEL } from "../e2e/cluster/src/nodes.js";
import { createNamespace, loadKubeConfig } from "../e2e/support/kube.js";
import { webDeployment } from "../e2e/node/workloads.js";

const { values } = parseArgs({
  options: {
    name: { type: "string", default: "bench-node" },
    rounds: { type: "string", default: "5" },
  },
});
const rounds = Number(values.rounds);

/** The same Deployment, but for a KWOK cpu node (which marks pods Ready at once). */
function onKwok(deployment: V1Deployment): V1Deployment {
  const spec = deployment.spec?.template.spec;
  if (spec) {
    spec.nodeSelector = { [POOL_LABEL]: "cpu", type: "kwok" };
    delete spec.tolerations;
  }
  return deployment;
}

async function secondsToReady(apps: AppsV1Api, namespace: string, body: V1Deployment) {
  const name = body.metadata?.name ?? "";
  const start = performance.now();
  await apps.createNamespacedDeployment({ namespace, body });
  while ((await apps.readNamespacedDeployment({ name, namespace })).status?.readyReplicas !== 1)
    await sleep(50);
  const seconds = (performance.now() - start) / 1000;
  await apps.deleteNamespacedDeployment({ name, namespace });
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const { state, alreadyRunning } = await startCluster({ name: values.name, realNode: true });
const kc = loadKubeConfig(state.kubeconfig);
const apps = kc.makeApiClient(AppsV1Api);
const { name: namespace, remove } = await createNamespace(kc, "bench-node");
const real: number[] = [];
const kwok: number[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    real.push(await secondsToReady(apps, namespace, webDeployment(`real-${round}`)));
    kwok.push(await secondsToReady(apps, namespace, onKwok(webDeployment(`kwok-${round}`))));
  }
} finally {
  await remove();
  if (!alreadyRunning) await stopCluster(values.name);
}
const [r, k] = [median(real), median(kwok)];
console.log(`Deployment created -> Ready, median of ${rounds}:`);
console.log(`  real node (busybox httpd, HTTP probe): ${r.toFixed(2)} s`);
console.log(`  KWOK cpu node (control plane only):    ${k.toFixed(2)} s`);
console.log(`  ratio real/KWOK: ${(r / Math.max(k, 0.001)).toFixed(1)}`);
