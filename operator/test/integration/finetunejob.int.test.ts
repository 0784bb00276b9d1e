// The operator, in process, against the real local control plane: the scheduler places
// training pods on KWOK GPU nodes, KWOK ends them on cue, and the operator reports it.
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { KubeConfig, V1Job } from "@kubernetes/client-node";
import type { FineTuneJob, FineTuneJobSpec, ModelVersion } from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createNamespace, loadKubeConfig } from "../../../e2e/support/kube.js";
import { MEDIUM_MS, POLL_MS } from "../../../e2e/support/timeouts.js";
import { makeFineTuneJob } from "../builders/finetunejob.js";
import { Manager } from "../../src/manager.js";
import { jsonLogger } from "../../src/runtime/logger.js";

let kc: KubeConfig;
let namespace: string;
let removeNamespace: () => Promise<void>;
let manager: Manager;
const poll = { timeout: MEDIUM_MS, interval: POLL_MS };
const group = { group: "kubetune.io", version: "v1alpha1" };

/** An operator replica in this test's namespace, running in this process. */
function startManager(identity: string): Manager {
  const replica = new Manager(
    kc,
    {
      namespace,
      identity,
      health: { host: "127.0.0.1", port: 0 },
      leaderElection: true,
      trainerImage: "kubetune/trainer:test",
      images: {
        encoder: "kubetune/encoder:test",
        llm: "kubetune/llm:test",
        router: "kubetune/router:test",
      },
      servingPlacement: {},
      unschedulableTimeoutMs: 3000,
      workers: 2,
      resyncMs: 60_000,
    },
    jsonLogger({}, () => undefined),
  );
  void replica.run();
  return replica;
}

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "ftj"));
  manager = startManager("test-operator");
});

afterAll(async () => {
  await manager.stop();
  if (process.env.KUBETUNE_DEBUG_KEEP !== "true") await removeNamespace();
});

async function submit(name: string, change: Partial<FineTuneJobSpec> = {}): Promise<void> {
  const ftj = makeFineTuneJob(name, namespace).spec(change).obj();
  const { uid: _uid, generation: _generation, ...metadata } = ftj.metadata;
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...group,
    namespace,
    plural: "finetunejobs",
    body: { ...ftj, metadata },
  });
}

async function read(name: string): Promise<FineTuneJob> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    ...group,
    namespace,
    plural: "finetunejobs",
    name,
  })) as FineTuneJob;
}

async function condition(name: string, type: string): Promise<string | undefined> {
  const c = (await read(name)).status?.conditions?.find((x) => x.type === type);
  return c && `${c.status}/${c.reason}`;
}

async function nodeLabelsOfJob(name: string): Promise<Record<string, string> | undefined> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace, labelSelector: `kubetune.io/finetunejob=${name}` });
  const nodeName = pods.items[0]?.spec?.nodeName;
  return nodeName
    ? (await kc.makeApiClient(CoreV1Api).readNode({ name: nodeName })).metadata?.labels
    : undefined;
}

describe("FineTuneJob on the local cluster", () => {
  it("when the contract QLoRA run is submitted, trains on a T4 node in fp16", async () => {
    await submit("contract");

    await expect.poll(() => condition("contract", "Scheduled"), poll).toBe("True/PodScheduled");
    expect((await read("contract")).status?.placement).toMatchObject({
      pool: "t4",
      computeDtype: "fp16",
      gpuMemoryGiB: 16,
    });
    expect((await nodeLabelsOfJob("contract"))?.["nvidia.com/gpu.product"]).toBe("Tesla-T4");
    await expect.poll(() => condition("contract", "Running"), poll).toBe("True/Training");
  });

  it("when a 16-bit LoRA of an 8B model is submitted, places it on an A10G in bf16", async () => {
    await submit("lora16", {
      method: "lora",
      quantization: undefined as never,
      hyperparameters: { batchSize: 1, maxSeqLength: 256, gradientCheckpointing: true },
    });

    await expect.poll(() => condition("lora16", "Scheduled"), poll).toBe("True/PodScheduled");
    expect((await read("lora16")).status?.placement).toMatchObject({
      pool: "a10g",
      computeDtype: "bf16",
    });
    expect((await nodeLabelsOfJob("lora16"))?.["nvidia.com/gpu.product"]).toBe("NVIDIA-A10G");
  });

  it("when a run fits no pool, refuses it with the estimate and creates no Job", async () => {
    await submit("too-big", {
      method: "full",
      lora: undefined as never,
      quantization: undefined as never,
      baseModel: { name: "meta-llama/Meta-Llama-3-70B", uri: "s3://m/", parameters: "70B" },
    });

    await expect
      .poll(() => condition("too-big", "Admitted"), poll)
      .toBe("False/InsufficientGPUMemory");
    const jobs = await kc
      .makeApiClient(BatchV1Api)
      .listNamespacedJob({ namespace, labelSelector: "kubetune.io/finetunejob=too-big" });
    expect(jobs.items).toEqual([]);
  });

  it("when the trainer succeeds with a result, registers one ModelVersion with lineage", async () => {
    const result = JSON.stringify({
      artifact: { uri: "s3://models/arxiv-classifier/ok/model.gguf" },
      metrics: { eval_loss: "0.5" },
    });
    await submit("ok", {
      trainer: {
        podAnnotations: {
          "sim.kubetune.io/succeed-after": "1s",
          "sim.kubetune.io/termination-message": result,
        },
      },
    });

    await expect.poll(() => condition("ok", "Ready"), poll).toBe("True/ModelVersionCreated");
    const status = (await read("ok")).status;
    const mv = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      ...group,
      namespace,
      plural: "modelversions",
      name: "ok",
    })) as ModelVersion;
    expect(mv.spec).toMatchObject({
      model: "arxiv-classifier",
      version: status?.version,
      runtime: "llm",
      stage: "candidate",
      source: { fineTuneJob: "ok", gpuType: "Tesla-T4" },
    });
    expect(mv.metadata.ownerReferences).toBeUndefined();
    expect(status?.gpuSeconds).toBeGreaterThanOrEqual(1);
  });

  it("when the operator restarts while a run is in flight, still registers exactly one ModelVersion", async () => {
    const result = JSON.stringify({
      artifact: { uri: "s3://models/arxiv-classifier/restart/model.gguf" },
    });
    await submit("restart", {
      trainer: {
        podAnnotations: {
          "sim.kubetune.io/succeed-after": "3s",
          "sim.kubetune.io/termination-message": result,
        },
      },
    });
    await expect.poll(() => condition("restart", "Running"), poll).toBe("True/Training");
    const version = (await read("restart")).status?.version;

    await manager.stop();
    manager = startManager("test-operator-restarted");

    await expect.poll(() => condition("restart", "Ready"), poll).toBe("True/ModelVersionCreated");
    const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      ...group,
      namespace,
      plural: "modelversions",
      labelSelector: "kubetune.io/finetunejob=restart",
    })) as { items: ModelVersion[] };
    expect(list.items.map((mv) => mv.spec.version)).toEqual([version]);
  });

  it("when the trainer is killed for memory, fails with GPUOutOfMemory and advice", async () => {
    const annotations = {
      "sim.kubetune.io/fail-after": "1s",
      "sim.kubetune.io/exit-code": "137",
      "sim.kubetune.io/reason": "OOMKilled",
    };
    await submit("oom", { backoffLimit: 0, trainer: { podAnnotations: annotations } });

    await expect.poll(() => condition("oom", "Failed"), poll).toBe("True/GPUOutOfMemory");
    expect(
      (await read("oom")).status?.conditions?.find((c) => c.type === "Ready")?.message,
    ).toContain("use a pool with more GPU memory");
  });

  it("when the trainer refuses its input (exit 2), fails at once with InvalidInput and its message", async () => {
    const annotations = {
      "sim.kubetune.io/fail-after": "1s",
      "sim.kubetune.io/exit-code": "2",
      "sim.kubetune.io/termination-message": "InvalidInput (exit 2): spec.method is 'dpo'",
    };
    await submit("refused", { backoffLimit: 2, trainer: { podAnnotations: annotations } });

    await expect.poll(() => condition("refused", "Failed"), poll).toBe("True/InvalidInput");
    const ready = (await read("refused")).status?.conditions?.find((c) => c.type === "Ready");
    expect(ready?.message).toBe("InvalidInput (exit 2): spec.method is 'dpo'");
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace, labelSelector: "kubetune.io/finetunejob=refused" });
    expect(pods.items).toHaveLength(1); // the pod failure policy spent no retries
  });

  it("when the trainer reports progress, shows it in status with percent and ETA", async () => {
    await expect.poll(() => condition("contract", "Running"), poll).toBe("True/Training");
    const started = (await read("contract")).status?.startTime ?? new Date().toISOString();
    const time = new Date(Date.parse(started) + 60_000).toISOString();
    const progress = JSON.stringify({
      step: 100,
      totalSteps: 400,
      epoch: "0.75",
      loss: "1.31",
      time,
    });

    await kc
      .makeApiClient(CoreV1Api)
      .patchNamespacedConfigMap(
        { name: "contract-trainer", namespace, body: { data: { "progress.json": progress } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );

    await expect
      .poll(async () => (await read("contract")).status?.progress, poll)
      .toEqual({
        step: 100,
        totalSteps: 400,
        epoch: "0.75",
        loss: "1.31",
        percent: 25,
        etaSeconds: 180,
      });
  });

  it("when the t4 pool has no free GPU, places an auto run on the next cheapest pool that fits", async () => {
    // "contract" holds one T4; this run takes the other.
    await submit("second-t4");
    await expect.poll(() => condition("second-t4", "Scheduled"), poll).toBe("True/PodScheduled");
    expect((await read("second-t4")).status?.placement?.pool).toBe("t4");

    await submit("third");

    await expect.poll(() => condition("third", "Scheduled"), poll).toBe("True/PodScheduled");
    expect((await read("third")).status?.placement?.pool).toBe("a10g");
  });

  it("when scraped, reports readiness, reconciles, work-queue depth and runs by pool", async () => {
    const base = `http://127.0.0.1:${manager.healthPort()}`;

    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();

    expect(metrics).toMatch(
      /kubetune_operator_reconcile_total\{controller="finetunejob",result="success"\} [1-9]/,
    );
    expect(metrics).toContain('kubetune_operator_workqueue_depth{controller="finetunejob"}');
    expect(metrics).toMatch(/kubetune_operator_finetunejobs\{pool="t4",reason="Training"\} [1-9]/);
    expect(metrics).toContain("kubetune_operator_leader 1");
    expect(metrics).toMatch(/kubetune_operator_finetunejob_placements_total\{pool="t4"\} [1-9]/);
  });

  it("when the FineTuneJob is deleted, its Job goes too, but its ModelVersion stays", async () => {
    await kc
      .makeApiClient(CustomObjectsApi)
      .deleteNamespacedCustomObject({ ...group, namespace, plural: "finetunejobs", name: "ok" });

    const jobGone = async () => {
      const jobs = await kc
        .makeApiClient(BatchV1Api)
        .listNamespacedJob({ namespace, labelSelector: "kubetune.io/finetunejob=ok" });
      return jobs.items.filter((job: V1Job) => !job.metadata?.deletionTimestamp).length;
    };
    await expect.poll(jobGone, poll).toBe(0);
    const mv = await kc
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({ ...group, namespace, plural: "modelversions", name: "ok" });
    expect(mv).toBeDefined();
  });

  it("when GPUs are taken by other workloads, moves an auto run that stays unschedulable to the next pool", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    for (const name of ["contract", "second-t4"])
      await custom.deleteNamespacedCustomObject({
        ...group,
        namespace,
        plural: "finetunejobs",
        name,
      });
    const trainersOnT4 = async () => {
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: "app.kubernetes.io/component=trainer",
      });
      return pods.items.filter(
        (p) =>
          p.spec?.nodeSelector?.["nvidia.com/gpu.product"] === "Tesla-T4" &&
          !["Succeeded", "Failed"].includes(p.status?.phase ?? ""),
      ).length;
    };
    await expect.poll(trainersOnT4, poll).toBe(0);
    // Another team's pods hold both T4s; the operator only counts its own trainers.
    for (const name of ["other-team-0", "other-team-1"]) {
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name },
          spec: {
            nodeSelector: { "nvidia.com/gpu.product": "Tesla-T4" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
            containers: [
              { name: "c", image: "other:1", resources: { limits: { "nvidia.com/gpu": "1" } } },
            ],
          },
        },
      });
    }
    await expect
      .poll(
        async () =>
          (
            await core.listNamespacedPod({ namespace, fieldSelector: "status.phase=Running" })
          ).items.filter((p) => p.metadata?.name?.startsWith("other-team")).length,
        poll,
      )
      .toBe(2);

    await submit("stuck");

    await expect
      .poll(async () => (await read("stuck")).status?.placement?.triedPools, poll)
      .toEqual(["t4"]);
    await expect
      .poll(() => condition("stuck", "Scheduled"), { ...poll, timeout: 15_000 })
      .toBe("True/PodScheduled");
    expect((await read("stuck")).status?.placement?.pool).toBe("a10g");
  });
});
