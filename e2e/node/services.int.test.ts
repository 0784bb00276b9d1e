// kubetune's own images serve real traffic on the real node: the encoder image becomes
// Ready once its init container fetched the project's model from the harness artifact
// server and checked its digest; a pod reaches it by Service DNS name; the router image,
// its routing table in a ConfigMap, splits traffic between two encoder Deployments and
// the split shows in its /metrics, scraped from the host by pod IP; a model whose digest
// does not match never serves.
import { relative } from "node:path";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { importArchives } from "../cluster/src/node/import.js";
import { builtImage } from "../../images/src/metadata.js";
import { folderDigest } from "../../services/encoder/src/model/folder.js";
import { ensureModels } from "../../services/encoder/model-maker/ensure-models.js";
import { modelsDir } from "../support/artifact-server.js";
import { createNamespace, loadKubeConfig } from "../support/kube.js";
import { MEDIUM_MS, POLL_MS } from "../support/timeouts.js";
import { runClient } from "./workloads.js";
import {
  SERVICE_PORT,
  encoderDeployment,
  routerDeployment,
  routingTableConfigMap,
  service,
} from "./service-workloads.js";

let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let namespace: string;
let removeNamespace: () => Promise<void>;
let model: { url: string; digest: string };
const images = { encoder: "", router: "" };
const poll = { timeout: MEDIUM_MS, interval: POLL_MS };
// Importing two images (about 100 MB each, re-packed for containerd) on a busy machine.
const IMPORT_MS = 300_000;
const REQUESTS = 300;

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  const socket = inject("containerdSocket");
  if (socket === "") throw new Error("this suite needs the cluster's real node");
  const encoder = builtImage("encoder");
  const router = builtImage("router");
  await importArchives(socket, [encoder.archive, router.archive]);
  images.encoder = encoder.ref;
  images.router = router.ref;
  const folder = (await ensureModels()).single;
  model = {
    url: `${inject("artifactBaseUrl")}/${relative(modelsDir(), folder)}/`,
    digest: await folderDigest(folder),
  };
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "services"));
}, IMPORT_MS);

afterAll(async () => {
  await removeNamespace();
});

async function readyReplicas(name: string): Promise<number> {
  return (await apps.readNamespacedDeployment({ name, namespace })).status?.readyReplicas ?? 0;
}

async function podOf(app: string): Promise<V1Pod> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  const pod = pods.items.find((p) => !p.metadata?.deletionTimestamp);
  if (!pod) throw new Error(`no pod of ${app}`);
  return pod;
}

/** Samples of one counter from a Prometheus text page, by one label's value. */
function countsBy(page: string, metric: string, label: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of page.split("\n")) {
    if (!line.startsWith(`${metric}{`)) continue;
    const value = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1] ?? "";
    counts.set(value, (counts.get(value) ?? 0) + Number(line.split(" ").at(-1)));
  }
  return counts;
}

describe("kubetune's images on the real node", () => {
  it("when the encoder image is deployed, its init container fetches the model and the pod becomes Ready", async () => {
    const started = performance.now();
    for (const version of ["v1", "v2"]) {
      const name = `encoder-${version}`;
      const body = encoderDeployment(name, images.encoder, { ...model, version });
      await apps.createNamespacedDeployment({ namespace, body });
      await core.createNamespacedService({ namespace, body: service(name) });
    }

    await expect.poll(() => readyReplicas("encoder-v1"), poll).toBe(1);
    console.error(
      `[services] encoder-v1 Ready ${(performance.now() - started) / 1000} s after creation`,
    );
    await expect.poll(() => readyReplicas("encoder-v2"), poll).toBe(1);
  });

  it("when another pod posts a document to the encoder Service by DNS name, gets its classification", async () => {
    const body = JSON.stringify({
      documents: [{ id: "d1", text: "low rank adaptation of language models" }],
    });
    const url = `http://encoder-v1.${namespace}.svc.cluster.local/v1/classify`;

    const result = await runClient(
      core,
      namespace,
      "classify-client",
      `wget -q -O - --header 'content-type: application/json' --post-data '${body}' ${url}`,
    );

    expect(result?.phase).toBe("Succeeded");
    const answer = JSON.parse(result?.message ?? "{}") as {
      results?: { id: string; top?: unknown }[];
    };
    expect(answer.results?.[0]?.id).toBe("d1");
    expect(answer.results?.[0]?.top).toBeDefined();
  });

  it("when traffic goes through the router image, it splits about 90/10 and its /metrics, scraped by pod IP from the host, says so", async () => {
    const table = routingTableConfigMap("arxiv-routing-table", namespace);
    await core.createNamespacedConfigMap({ namespace, body: table });
    const router = routerDeployment("router", images.router, "arxiv-routing-table");
    await apps.createNamespacedDeployment({ namespace, body: router });
    await core.createNamespacedService({ namespace, body: service("router") });
    await expect.poll(() => readyReplicas("router"), poll).toBe(1);
    const body = JSON.stringify({ documents: [{ id: "d", text: "sparse attention" }] });
    const url = `http://router.${namespace}.svc.cluster.local/v1/classify`;

    const result = await runClient(
      core,
      namespace,
      "load-client",
      `ok=0; for i in $(seq ${REQUESTS}); do wget -q -O /dev/null --header 'content-type: application/json' --post-data '${body}' ${url} && ok=$((ok+1)); done; echo $ok`,
    );
    const pod = await podOf("router");
    const page = await (
      await fetch(`http://${pod.status?.podIP ?? ""}:${SERVICE_PORT}/metrics`)
    ).text();

    expect(result).toEqual({ phase: "Succeeded", message: String(REQUESTS) });
    const counts = countsBy(page, "kubetune_router_requests_total", "variant");
    const stable = counts.get("stable") ?? 0;
    expect(stable + (counts.get("candidate") ?? 0)).toBe(REQUESTS);
    // 90% of 300 is 270 with a standard deviation of about 5: these bounds are 3.5 of it.
    expect(stable).toBeGreaterThanOrEqual(252);
    expect(stable).toBeLessThanOrEqual(288);
  });

  it("when a model's digest does not match, the init container fails with the digest exit code and the pod never serves", async () => {
    const wrong = `sha256:${"0".repeat(64)}`;
    const body = encoderDeployment("encoder-bad", images.encoder, {
      ...model,
      digest: wrong,
      version: "v9",
    });
    await apps.createNamespacedDeployment({ namespace, body });

    await expect
      .poll(async () => {
        const status = (await podOf("encoder-bad")).status?.initContainerStatuses?.[0];
        return status?.lastState?.terminated?.exitCode ?? status?.state?.terminated?.exitCode;
      }, poll)
      .toBe(4);
    expect(await readyReplicas("encoder-bad")).toBe(0);
  });
});
