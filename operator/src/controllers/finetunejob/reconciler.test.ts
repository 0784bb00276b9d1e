import type { V1Job, V1Node, V1Pod } from "@kubernetes/client-node";
import type { FineTuneJob, ModelVersion } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { FakeClient } from "../../../test/fake-client.js";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { trainerStatus } from "../../../test/builders/pod.js";
import { DEFAULT_GPU_POOLS } from "../../config/gpu-pools.js";
import { findCondition } from "../../runtime/conditions.js";
import { Kinds } from "../../runtime/kinds.js";
import type { FineTuneJobDeps } from "./reconciler.js";
import { reconcileFineTuneJob } from "./reconciler.js";
import { VersionLedger } from "./version.js";

const key = { namespace: "ml", name: "ftj-a" };
const now = new Date("2026-11-21T12:00:00Z");

function gpuNode(name: string, product: string, gpus: number): V1Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "nvidia.com/gpu.product": product } },
    status: { allocatable: { "nvidia.com/gpu": String(gpus) } },
  };
}

function setup(ftj: FineTuneJob = makeFineTuneJob().obj(), needGiB = 9) {
  const client = new FakeClient()
    .seed(ftj)
    .seed(gpuNode("t4-0", "Tesla-T4", 1))
    .seed(gpuNode("a10g-0", "NVIDIA-A10G", 1));
  const deps: FineTuneJobDeps = {
    client,
    events: client.recorder(),
    now: () => now,
    pools: () => DEFAULT_GPU_POOLS,
    estimate: () => ({ totalGiB: needGiB }),
    trainer: { image: "kubetune/trainer:test" },
    unschedulableTimeoutMs: 300_000,
    versions: new VersionLedger(),
  };
  return { client, deps, reconcile: () => reconcileFineTuneJob(key, deps) };
}

async function statusOf(client: FakeClient) {
  return (await client.get<FineTuneJob>(Kinds.FineTuneJob, key))?.status;
}

function conditionOf(status: FineTuneJob["status"], type: string) {
  const c = findCondition(status?.conditions, type);
  return c && `${c.status}/${c.reason}`;
}

/** What the Job controller and KWOK would do: the pod ran and the Job completed. */
function completeJob(client: FakeClient, terminationMessage: string) {
  client.update(Kinds.Job, { namespace: "ml", name: "ftj-a-trainer" }, (job) => {
    (job as V1Job).status = {
      startTime: new Date("2026-11-21T11:00:00Z"),
      completionTime: new Date("2026-11-21T11:30:00Z"),
      conditions: [{ type: "Complete", status: "True" }],
    };
  });
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "ftj-a-trainer-abc",
      namespace: "ml",
      labels: { "kubetune.io/finetunejob": "ftj-a" },
    },
    spec: { nodeName: "t4-0", containers: [] },
    status: {
      phase: "Succeeded",
      containerStatuses: [
        trainerStatus({ terminated: { exitCode: 0, message: terminationMessage } }),
      ],
    },
  };
  client.seed(pod);
}

const goodResult = JSON.stringify({
  artifact: {
    uri: "s3://models/arxiv-classifier/v1/model.gguf",
    digest: `sha256:${"a".repeat(64)}`,
  },
  metrics: { eval_loss: "0.42" },
});

describe("reconcileFineTuneJob", () => {
  it("when a run fits a T4, reserves a version, places it there in fp16 and creates the training Job", async () => {
    const { client, reconcile } = setup();

    await reconcile();

    const status = await statusOf(client);
    expect(status).toMatchObject({
      version: "v1",
      placement: { pool: "t4", computeDtype: "fp16", gpuMemoryGiB: 16 },
      job: "ftj-a-trainer",
    });
    expect(conditionOf(status, "Admitted")).toBe("True/Placed");
    expect(conditionOf(status, "Ready")).toBe("False/Pending");
    const job = await client.get<V1Job>(Kinds.Job, { namespace: "ml", name: "ftj-a-trainer" });
    expect(job?.spec?.template.spec?.nodeSelector).toEqual({
      "nvidia.com/gpu.product": "Tesla-T4",
    });
  });

  it("when versions v1 to v3 of the model exist, reserves v4", async () => {
    const { client, reconcile } = setup();
    for (const n of [1, 3, 2]) {
      client.seed({
        apiVersion: "kubetune.io/v1alpha1",
        kind: "ModelVersion",
        metadata: { name: `mv-${n}`, namespace: "ml" },
        spec: { model: "arxiv-classifier", version: `v${n}` },
      } as ModelVersion);
    }

    await reconcile();

    expect((await statusOf(client))?.version).toBe("v4");
  });

  it("when two runs of one model are reconciled at once, reserves each a different version", async () => {
    const { client, deps } = setup();
    client.seed(makeFineTuneJob("ftj-b").obj());

    await Promise.all(
      ["ftj-a", "ftj-b"].map((name) => reconcileFineTuneJob({ namespace: "ml", name }, deps)),
    );

    const runs = await client.list<FineTuneJob>(Kinds.FineTuneJob);
    expect(runs.map((run) => run.status?.version).sort()).toEqual(["v1", "v2"]);
  });

  it("when the training objects exist but status lost the version, keeps the version the trainer was given", async () => {
    const { client, reconcile } = setup();
    await reconcile();
    client.update(Kinds.FineTuneJob, key, (ftj) => {
      delete (ftj as FineTuneJob).status?.version;
    });
    client.seed({
      apiVersion: "kubetune.io/v1alpha1",
      kind: "ModelVersion",
      metadata: { name: "mv-7", namespace: "ml" },
      spec: { model: "arxiv-classifier", version: "v7" },
    } as ModelVersion);

    await reconcile();

    expect((await statusOf(client))?.version).toBe("v1");
  });

  it("when the run fits no pool, creates nothing and says why in a condition and a warning event", async () => {
    const { client, reconcile } = setup(undefined, 40);

    await reconcile();

    expect(conditionOf(await statusOf(client), "Admitted")).toBe("False/InsufficientGPUMemory");
    expect(await client.list(Kinds.Job)).toEqual([]);
    expect(client.events).toContainEqual(
      expect.objectContaining({ type: "Warning", reason: "InsufficientGPUMemory" }),
    );
  });

  it("when the pool configuration is invalid, refuses to place and names the problem", async () => {
    const { client, deps } = setup();
    deps.pools = () =>
      new Error("kubetune-gpu-pools is invalid: pools[0].gpuMemoryGiB: Required value");

    await reconcileFineTuneJob(key, deps);

    expect(conditionOf(await statusOf(client), "Admitted")).toBe("False/PoolConfigInvalid");
  });

  it("when an s3:// output names no credentials Secret, takes no GPU and says what to set", async () => {
    const ftj = makeFineTuneJob()
      .spec({ output: { uri: "s3://models/out/", format: "gguf" } })
      .obj();
    const { client, reconcile } = setup(ftj);

    await reconcile();

    const admitted = findCondition((await statusOf(client))?.conditions, "Admitted");
    expect(`${admitted?.status}/${admitted?.reason}`).toBe("False/OutputCredentialsMissing");
    expect(admitted?.message).toContain("spec.output.credentialsSecret is not set");
    expect(await client.list(Kinds.Job)).toEqual([]);
  });

  it("when a file:// output names no credentials Secret, the run is placed as usual", async () => {
    const ftj = makeFineTuneJob()
      .spec({ output: { uri: "file:///mnt/models/out/", format: "gguf" } })
      .obj();
    const { client, reconcile } = setup(ftj);

    await reconcile();

    expect(conditionOf(await statusOf(client), "Admitted")).toBe("True/Placed");
    expect(await client.list(Kinds.Job)).toHaveLength(1);
  });

  it("when the Job completes with a result, registers exactly one ModelVersion with lineage, even when reconciled again", async () => {
    const { client, reconcile } = setup();
    await reconcile();
    completeJob(client, goodResult);

    await reconcile();
    await reconcile();

    const versions = await client.list<ModelVersion>(Kinds.ModelVersion);
    expect(versions).toHaveLength(1);
    expect(versions[0]?.metadata.ownerReferences).toBeUndefined();
    expect(versions[0]?.spec).toMatchObject({
      model: "arxiv-classifier",
      version: "v1",
      runtime: "llm",
      format: "gguf",
      stage: "candidate",
      artifact: { uri: "s3://models/arxiv-classifier/v1/model.gguf" },
      source: { fineTuneJob: "ftj-a", method: "qlora", gpuType: "Tesla-T4", gpuSeconds: 1800 },
      metrics: { eval_loss: "0.42" },
    });
    const status = await statusOf(client);
    expect(conditionOf(status, "Ready")).toBe("True/ModelVersionCreated");
    expect(status).toMatchObject({ modelVersion: "ftj-a", gpuSeconds: 1800 });
  });

  it("when the run succeeded before status recorded its version, records it first and registers on the pass it asks for", async () => {
    const { client, reconcile } = setup();
    await reconcile();
    client.update(Kinds.FineTuneJob, key, (ftj) => {
      delete (ftj as FineTuneJob).status?.version;
    });
    completeJob(client, goodResult);

    const first = await reconcile();
    const registeredEarly = await client.list<ModelVersion>(Kinds.ModelVersion);
    await reconcile();

    expect(first.requeueAfterMs).toBeGreaterThan(0);
    expect(registeredEarly).toEqual([]);
    const versions = await client.list<ModelVersion>(Kinds.ModelVersion);
    expect(versions.map((mv) => mv.spec.version)).toEqual(["v1"]);
  });

  it("when the trainer's result is not JSON, fails the run with InvalidResult and registers nothing", async () => {
    const { client, reconcile } = setup();
    await reconcile();
    completeJob(client, "Traceback (most recent call last): ...");

    await reconcile();

    expect(conditionOf(await statusOf(client), "Failed")).toBe("True/InvalidResult");
    expect(await client.list(Kinds.ModelVersion)).toEqual([]);
  });

  it("when the API server refuses the ModelVersion, fails the run and says why instead of retrying forever", async () => {
    const { client, reconcile } = setup();
    await reconcile();
    completeJob(client, goodResult);
    client.rejectCreates =
      'ModelVersion.kubetune.io "ftj-a" is invalid: spec.version: Invalid value';

    await reconcile();

    expect(conditionOf(await statusOf(client), "Failed")).toBe("True/ModelVersionRefused");
  });

  it("when the output is safetensors, succeeds without registering a ModelVersion", async () => {
    const ftj = makeFineTuneJob()
      .spec({
        output: { uri: "s3://models/out/", format: "safetensors", credentialsSecret: "store" },
      })
      .obj();
    const { client, reconcile } = setup(ftj);
    await reconcile();
    completeJob(client, goodResult);

    await reconcile();

    expect(conditionOf(await statusOf(client), "Ready")).toBe("True/ArtifactWritten");
    expect(await client.list(Kinds.ModelVersion)).toEqual([]);
  });

  it("when nothing changed, leaves status alone and records no new events", async () => {
    const { client, reconcile } = setup();
    await reconcile();
    const before = await statusOf(client);
    const events = client.events.length;

    await reconcile();

    expect(await statusOf(client)).toEqual(before);
    expect(client.events).toHaveLength(events);
  });

  it("when the FineTuneJob is gone, does nothing", async () => {
    const { client, deps } = setup();

    await reconcileFineTuneJob({ namespace: "ml", name: "missing" }, deps);

    expect(await client.list(Kinds.Job)).toEqual([]);
  });
});
