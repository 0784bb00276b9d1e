// The real node serves real pods: the toolbox image (busybox) starts through containerd,
// passes an HTTP readiness probe, is reached through a ClusterIP Service by its DNS name,
// from the host by pod IP, is replaced when deleted, and can fetch the harness's artifacts.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { AppsV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REAL_NODE_LABEL, REAL_NODE_NAME } from "../cluster/src/node/plan.js";
import { POOL_LABEL } from "../cluster/src/nodes.js";
import { modelsDir } from "../support/artifact-server.js";
import { createNamespace, loadKubeConfig } from "../support/kube.js";
import { MEDIUM_MS, POLL_MS } from "../support/timeouts.js";
import { WEB_PORT, runClient, webDeployment } from "./workloads.js";

let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let namespace: string;
let removeNamespace: () => Promise<void>;
const poll = { timeout: MEDIUM_MS, interval: POLL_MS };

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "real-node"));
  await apps.createNamespacedDeployment({ namespace, body: webDeployment("web") });
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: WEB_PORT }] },
    },
  });
});

afterAll(async () => {
  await removeNamespace();
});

async function readyWebPods(): Promise<V1Pod[]> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
  return pods.items.filter(
    (pod) =>
      !pod.metadata?.deletionTimestamp &&
      pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  );
}

describe("the real node", () => {
  it("when the cluster starts, registers as a cpu pool node that KWOK does not manage", async () => {
    const node = await core.readNode({ name: REAL_NODE_NAME });

    expect(node.metadata?.labels?.[POOL_LABEL]).toBe("cpu");
    expect(node.metadata?.labels?.[REAL_NODE_LABEL]).toBe("true");
    expect(node.metadata?.annotations?.["kwok.x-k8s.io/node"]).toBeUndefined();
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:/);
  });

  it("when a busybox httpd Deployment is created, becomes Ready through its HTTP readiness probe", async () => {
    await expect
      .poll(
        async () =>
          (await apps.readNamespacedDeployment({ name: "web", namespace })).status?.readyReplicas,
        poll,
      )
      .toBe(1);
    const [pod] = await readyWebPods();
    expect(pod?.spec?.nodeName).toBe(REAL_NODE_NAME);
  });

  it("when another pod asks for the Service by its DNS name, gets the web pod's page", async () => {
    await expect.poll(async () => (await readyWebPods()).length, poll).toBe(1);

    const result = await runClient(
      core,
      namespace,
      "dns-client",
      `wget -q -O - http://web.${namespace}.svc.cluster.local/`,
    );

    expect(result).toEqual({
      phase: "Succeeded",
      message: expect.stringMatching(/^hello from web-/) as string,
    });
  });

  it("when the host fetches a pod's IP (as Prometheus scrapes), the pod answers", async () => {
    await expect.poll(async () => (await readyWebPods()).length, poll).toBe(1);
    const [pod] = await readyWebPods();

    const response = await fetch(`http://${pod?.status?.podIP ?? ""}:${WEB_PORT}/`);

    expect(await response.text()).toBe(`hello from ${pod?.metadata?.name ?? ""}\n`);
  });

  it("when the web pod is deleted, the Deployment replaces it with a Ready pod", async () => {
    await expect.poll(async () => (await readyWebPods()).length, poll).toBe(1);
    const [before] = await readyWebPods();
    const name = before?.metadata?.name ?? "";

    await core.deleteNamespacedPod({ name, namespace });

    await expect
      .poll(async () => (await readyWebPods()).map((pod) => pod.metadata?.name), poll)
      .toEqual([expect.not.stringMatching(`^${name}$`)]);
  });

  it("when a pod downloads a model file from the harness artifact server, gets its exact bytes", async () => {
    const base = inject("artifactBaseUrl");
    const file = firstModelFile(modelsDir());
    const path = relative(modelsDir(), file);
    const digest = createHash("sha256").update(readFileSync(file)).digest("hex");

    const result = await runClient(
      core,
      namespace,
      "artifact-client",
      `wget -q -O /tmp/artifact ${base}/${path} && sha256sum /tmp/artifact`,
    );

    expect(result).toEqual({ phase: "Succeeded", message: `${digest}  /tmp/artifact` });
  });
});

/** The first model file `npm run models` made (an ONNX classifier or a GGUF). */
function firstModelFile(dir: string): string {
  const found = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.(onnx|gguf)$/.test(name))
    .sort();
  if (!found[0]) throw new Error(`no model in ${dir}; run npm run models first`);
  return join(dir, found[0]);
}
