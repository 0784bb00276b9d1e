// Reconciles one FineTuneJob: reserve a version, place the run on a GPU pool that holds
// it, apply the training objects, read what the trainer reported, register the result,
// and write status. Logic lives in the pure functions beside this file.
import type { V1ConfigMap, V1Job, V1Node, V1Pod } from "@kubernetes/client-node";
import type { FineTuneJob, GpuPool, ModelVersion } from "@kubetune/api";
import type { EventRecorder, KubeClient, ObjectKey } from "../../runtime/client.js";
import type { ReconcileResult } from "../../runtime/controller.js";
import { Kinds } from "../../runtime/kinds.js";
import { freeGpus } from "./capacity.js";
import type { TrainerConfig } from "./desired.js";
import { FINETUNEJOB_LABEL, desiredObjects, trainerNames } from "./desired.js";
import { desiredModelVersion, isServable, modelVersionName } from "./model-version.js";
import { readProgress, readResult } from "./observe.js";
import { jobCondition } from "./outcome.js";
import type { Estimator, Placement } from "./placement.js";
import { choosePool, computeDtypeOf } from "./placement.js";
import { recordTransitions } from "./events.js";
import type { Observed } from "./status.js";
import { computeStatus } from "./status.js";
import { nextVersion } from "./version.js";
import { isDeepStrictEqual } from "node:util";

export interface FineTuneJobDeps {
  client: KubeClient;
  events: EventRecorder;
  now: () => Date;
  /** The current pool configuration, or the reason it cannot be used. */
  pools: () => GpuPool[] | Error;
  estimate: Estimator;
  trainer: TrainerConfig;
}

export async function reconcileFineTuneJob(
  key: ObjectKey,
  deps: FineTuneJobDeps,
): Promise<ReconcileResult> {
  const ftj = await deps.client.get<FineTuneJob>(Kinds.FineTuneJob, key);
  if (!ftj) return {}; // deleted: owner references collect the training objects
  const version = ftj.status?.version ?? (await reserveVersion(ftj, deps));
  const pools = deps.pools();
  const observed: Observed = { ftj, now: deps.now(), placement: undefined, version, pods: [] };
  if (pools instanceof Error) {
    observed.blocked = { reason: "PoolConfigInvalid", message: pools.message };
  } else {
    observed.placement = await place(ftj, pools, deps);
    if (observed.placement.placed) await run(observed, observed.placement, deps);
  }
  await writeStatus(ftj, computeStatus(observed), deps);
  // Watches on the Job, its pods and its ConfigMaps bring every change; no timed requeue.
  return {};
}

async function reserveVersion(ftj: FineTuneJob, deps: FineTuneJobDeps): Promise<string> {
  const namespace = ftj.metadata.namespace;
  const scope = namespace ? { namespace } : {};
  const versions = await deps.client.list<ModelVersion>(Kinds.ModelVersion, scope);
  const runs = await deps.client.list<FineTuneJob>(Kinds.FineTuneJob, scope);
  const version = nextVersion(ftj.spec.model, versions, runs);
  // Recorded before anything else happens, so a retry can never register two versions.
  await deps.client.patchStatus(Kinds.FineTuneJob, key(ftj), { ...ftj.status, version });
  return version;
}

/** Keeps a placement once made; otherwise places the run now. */
async function place(
  ftj: FineTuneJob,
  pools: GpuPool[],
  deps: FineTuneJobDeps,
): Promise<Placement> {
  const recorded = pools.find((p) => p.name === ftj.status?.placement?.pool);
  if (recorded) {
    const estimatedGiB = Number(ftj.status?.placement?.estimatedMemoryGiB ?? 0);
    return {
      placed: true,
      pool: recorded,
      computeDtype: computeDtypeOf(recorded),
      estimatedGiB,
      why: "placement recorded in status",
      recorded: true,
    };
  }
  const nodes = await deps.client.list<V1Node>(Kinds.Node);
  const trainers = await deps.client.list<V1Pod>(Kinds.Pod, {
    labels: {
      "app.kubernetes.io/component": "trainer",
      "app.kubernetes.io/managed-by": "kubetune-operator",
    },
  });
  return choosePool({
    spec: ftj.spec,
    pools,
    estimate: deps.estimate,
    freeGpus: (pool) => freeGpus(pool, nodes, trainers),
  });
}

async function run(
  observed: Observed,
  placement: Placement & { placed: true },
  deps: FineTuneJobDeps,
): Promise<void> {
  const { ftj } = observed;
  const objects = desiredObjects({
    ftj,
    pool: placement.pool,
    computeDtype: placement.computeDtype,
    version: observed.version ?? "",
    trainer: deps.trainer,
  });
  for (const object of [
    objects.serviceAccount,
    objects.role,
    objects.roleBinding,
    objects.input,
    objects.progress,
    objects.job,
  ]) {
    await deps.client.apply(object);
  }
  const names = trainerNames(ftj.metadata.name);
  const namespace = ftj.metadata.namespace;
  observed.job = await deps.client.get<V1Job>(Kinds.Job, {
    ...(namespace ? { namespace } : {}),
    name: names.job,
  });
  observed.pods = await deps.client.list<V1Pod>(Kinds.Pod, {
    ...(namespace ? { namespace } : {}),
    labels: { [FINETUNEJOB_LABEL]: ftj.metadata.name },
  });
  observed.progress = readProgress(
    await deps.client.get<V1ConfigMap>(Kinds.ConfigMap, {
      ...(namespace ? { namespace } : {}),
      name: names.progress,
    }),
  );
  if (jobCondition(observed.job, "Complete")) await register(observed, placement.pool, deps);
}

async function register(observed: Observed, pool: GpuPool, deps: FineTuneJobDeps): Promise<void> {
  const { ftj } = observed;
  if (ftj.status?.modelVersion || !isServable(ftj)) {
    observed.modelVersion = ftj.status?.modelVersion;
    return;
  }
  const result = readResult(observed.pods);
  if (!result.ok) {
    observed.invalidResult = result.error;
    return;
  }
  const gpuSeconds = computeStatus(observed).gpuSeconds;
  const modelVersion = desiredModelVersion({
    ftj,
    version: observed.version ?? "",
    result: result.value,
    pool,
    gpuSeconds,
  });
  await deps.client.create(modelVersion);
  observed.modelVersion = modelVersionName(ftj);
}

async function writeStatus(
  ftj: FineTuneJob,
  status: NonNullable<FineTuneJob["status"]>,
  deps: FineTuneJobDeps,
): Promise<void> {
  if (isDeepStrictEqual(ftj.status, status)) return;
  await deps.client.patchStatus(Kinds.FineTuneJob, key(ftj), status);
  recordTransitions(ftj, status, deps.events);
}

function key(ftj: FineTuneJob): ObjectKey {
  const namespace = ftj.metadata.namespace;
  return namespace ? { namespace, name: ftj.metadata.name } : { name: ftj.metadata.name };
}
