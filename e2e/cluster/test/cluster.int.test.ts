// The local cluster behaves like a GPU cloud: the real scheduler places GPU pods only on
// nodes that fit and tolerate, Jobs run to completion on KWOK cues, Deployments become
// Available, and the garbage collector removes what an owner leaves behind.
import { AppsV1Api, BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Job, V1Pod, V1PodSpec } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createNamespace, loadKubeConfig } from "../../support/kube.js";
import { MEDIUM_MS, POLL_MS } from "../../support/timeouts.js";
import { GPU_RESOURCE, GPU_TAINT, POOL_LABEL } from "../src/nodes.js";

let kc: KubeConfig;
let core: CoreV1Api;
let batch: BatchV1Api;
let apps: AppsV1Api;
let namespace: string;
let removeNamespace: () => Promise<void>;

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  core = kc.makeApiClient(CoreV1Api);
  batch = kc.makeApiClient(BatchV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "cluster"));
});

afterAll(async () => {
  await removeNamespace();
});

const gpuToleration = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect };

interface PodOptions {
  gpus: number;
  pool?: string;
  tolerate: boolean;
  annotations?: Record<string, string>;
}

function trainerPodSpec(options: PodOptions): V1PodSpec {
  return {
    restartPolicy: "Never",
    ...(options.pool ? { nodeSelector: { [POOL_LABEL]: options.pool } } : {}),
    ...(options.tolerate ? { tolerations: [gpuToleration] } : {}),
    containers: [
      {
        name: "trainer",
        image: "kubetune/trainer:test",
        resources: { limits: { [GPU_RESOURCE]: String(options.gpus) } },
      },
    ],
  };
}

async function createJob(name: string, options: PodOptions): Promise<V1Job> {
  return batch.createNamespacedJob({
    namespace,
    body: {
      metadata: { name },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { annotations: options.annotations ?? {} },
          spec: trainerPodSpec(options),
        },
      },
    },
  });
}

async function podsOfJob(name: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({
    namespace,
    labelSelector: `batch.kubernetes.io/job-name=${name}`,
  });
  return list.items;
}

async function nodeOfJobPod(name: string): Promise<string | undefined> {
  return (await podsOfJob(name))[0]?.spec?.nodeName;
}

async function jobCondition(name: string): Promise<string | undefined> {
  const job = await batch.readNamespacedJobStatus({ name, namespace });
  return job.status?.conditions?.find(
    (c) => c.status === "True" && ["Complete", "Failed"].includes(c.type),
  )?.type;
}

const poll = { timeout: MEDIUM_MS, interval: POLL_MS };

describe("GPU placement by the real scheduler", () => {
  it("when a Job asks for one GPU on the t4 pool and tolerates the GPU taint, runs on a t4 node and completes", async () => {
    await createJob("t4-run", {
      gpus: 1,
      pool: "t4",
      tolerate: true,
      annotations: { "sim.kubetune.io/succeed-after": "1s" },
    });

    await expect.poll(() => jobCondition("t4-run"), poll).toBe("Complete");
    const node = await core.readNode({ name: (await nodeOfJobPod("t4-run"))! });
    expect(node.metadata?.labels?.["nvidia.com/gpu.product"]).toBe("Tesla-T4");
  });

  it("when a GPU pod does not tolerate the GPU taint, stays Pending with the scheduler's reason", async () => {
    await createJob("no-toleration", { gpus: 1, pool: "t4", tolerate: false });

    const scheduled = async () =>
      (await podsOfJob("no-toleration"))[0]?.status?.conditions?.find(
        (c) => c.type === "PodScheduled",
      );
    await expect.poll(async () => (await scheduled())?.reason, poll).toBe("Unschedulable");
    expect((await scheduled())?.message).toMatch(/\d+ node\(s\) had untolerated taint/);
  });

  it("when a Job asks for two GPUs, lands only on the four-GPU a10g node", async () => {
    await createJob("two-gpus", { gpus: 2, tolerate: true });

    await expect.poll(() => nodeOfJobPod("two-gpus"), poll).toBeDefined();
    const node = await core.readNode({ name: (await nodeOfJobPod("two-gpus"))! });
    expect(node.metadata?.labels).toMatchObject({
      [POOL_LABEL]: "a10g",
      "nvidia.com/gpu.count": "4",
    });
  });

  it("when a training pod is told to fail with OOMKilled, the Job fails and the pod says why", async () => {
    const annotations = {
      "sim.kubetune.io/fail-after": "1s",
      "sim.kubetune.io/exit-code": "137",
      "sim.kubetune.io/reason": "OOMKilled",
      "sim.kubetune.io/termination-message": "CUDA out of memory",
    };
    await createJob("oom", { gpus: 1, pool: "a10g", tolerate: true, annotations });

    await expect.poll(() => jobCondition("oom"), poll).toBe("Failed");
    const terminated = (await podsOfJob("oom"))[0]?.status?.containerStatuses?.[0]?.state
      ?.terminated;
    expect(terminated).toMatchObject({
      exitCode: 137,
      reason: "OOMKilled",
      message: "CUDA out of memory",
    });
  });
});

describe("workloads and garbage collection", () => {
  it("when a Deployment is created, its pods become Running and Ready and it becomes Available", async () => {
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: {
              nodeSelector: { [POOL_LABEL]: "cpu" },
              containers: [{ name: "web", image: "kubetune/web:test" }],
            },
          },
        },
      },
    });

    await expect
      .poll(
        async () =>
          (await apps.readNamespacedDeploymentStatus({ name: "web", namespace })).status
            ?.readyReplicas,
        poll,
      )
      .toBe(2);
  });

  it("when the Deployment is deleted, the garbage collector removes its ReplicaSet and pods", async () => {
    await apps.deleteNamespacedDeployment({
      name: "web",
      namespace,
      propagationPolicy: "Background",
    });

    const left = async () => {
      const replicaSets = await apps.listNamespacedReplicaSet({
        namespace,
        labelSelector: "app=web",
      });
      const pods = await core.listNamespacedPod({ namespace, labelSelector: "app=web" });
      return replicaSets.items.length + pods.items.length;
    };
    await expect.poll(left, poll).toBe(0);
  });
});
