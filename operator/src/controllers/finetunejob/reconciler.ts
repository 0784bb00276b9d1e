// Reconciles one FineTuneJob: reserve a version, place the run on a GPU pool that holds
// it, apply the training objects, read what the trainer reported, register the result,
// and write status. Logic lives in the pure functions beside this file.
import type { V1ConfigMap, V1Job, V1Pod } from "@kubernetes/client-node";
import type { FineTuneJob, GpuPool, ModelVersion } from "@kubetune/api";
import type { EventRecorder, KubeClient, ObjectKey } from "../../runtime/client.js";
import { RejectedError } from "../../runtime/client.js";
import type { ReconcileResult } from "../../runtime/controller.js";
import { Kinds } from "../../runtime/kinds.js";
import { capacity } from "./capacity.js";
import type { DesiredObjects, TrainerConfig } from "./desired.js";
import { FINETUNEJOB_LABEL, desiredObjects, trainerNames } from "./desired.js";
import { desiredModelVersion, isServable, modelVersionName } from "./model-version.js";
import { readProgress, readResult, versionGivenToTrainer } from "./observe.js";
import { jobCondition } from "./outcome.js";
import { moveIfStuck } from "./move.js";
import { outputBlocker } from "./output-check.js";
import type { Placed } from "./move.js";
import type { Estimator, Placement } from "./placement.js";
import { choosePool, computeDtypeOf } from "./placement.js";
import { recordTransitions } from "./events.js";
import type { AdmissionMetrics } from "./metrics.js";
import { countAdmission, noAdmissionMetrics } from "./metrics.js";
import type { Observed } from "./status.js";
import { computeStatus } from "./status.js";
import type { VersionLedger } from "./version.js";
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";

export interface FineTuneJobDeps {
  client: KubeClient;
  events: EventRecorder;
  now: () => Date;
  /** The current pool configuration, or the reason it cannot be used. */
  pools: () => GpuPool[] | Error;
  estimate: Estimator;
  trainer: TrainerConfig;
  /** How long an auto-placed training pod may stay unschedulable before the run moves pools. */
  unschedulableTimeoutMs: number;
  /** Versions reserved by this process and not yet visible in the cache. */
  versions: VersionLedger;
  admissions?: AdmissionMetrics;
}

export async function reconcileFineTuneJob(
  key: ObjectKey,
  deps: FineTuneJobDeps,
): Promise<ReconcileResult> {
  // Read fresh: the version and placement this operator recorded in status are
  // decisions, and a lagging cache must never make us decide twice.
  const ftj = await deps.client.get<FineTuneJob>(Kinds.FineTuneJob, key, { fresh: true });
  if (!ftj) return {}; // deleted: owner references collect the training objects
  const version = ftj.status?.version ?? (await reserveVersion(ftj, deps));
  // The version is recorded in status by the one status write below, with the placement.
  const pools = deps.pools();
  const observed: Observed = { ftj, now: deps.now(), placement: undefined, version, pods: [] };
  let result: ReconcileResult = {};
  const blocked =
    pools instanceof Error
      ? { reason: "PoolConfigInvalid", message: pools.message }
      : outputBlocker(ftj.spec);
  if (blocked) {
    observed.blocked = blocked;
  } else if (!(pools instanceof Error)) {
    observed.placement = await place(ftj, pools, deps);
    if (observed.placement.placed)
      result = await run(observed, { pools, placement: observed.placement }, deps);
  }
  await writeStatus(ftj, computeStatus(observed), deps);
  if (observed.registerNext) return { requeueAfterMs: 1 };
  // Watches on the Job, its pods and its ConfigMaps bring every change; the only timed
  // requeue is the unschedulable-timeout check.
  return result;
}

async function reserveVersion(ftj: FineTuneJob, deps: FineTuneJobDeps): Promise<string> {
  const namespace = ftj.metadata.namespace;
  const scope = namespace ? { namespace } : {};
  const input = await deps.client.get<V1ConfigMap>(Kinds.ConfigMap, {
    ...scope,
    name: trainerNames(ftj.metadata.name).exchange,
  });
  const given = versionGivenToTrainer(ftj, input);
  if (given) return given;
  const versions = await deps.client.list<ModelVersion>(Kinds.ModelVersion, scope);
  const runs = await deps.client.list<FineTuneJob>(Kinds.FineTuneJob, scope);
  return deps.versions.reserve(ftj, versions, runs);
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
  return choosePool({
    spec: ftj.spec,
    pools,
    estimate: deps.estimate,
    freeGpus: await capacity(deps.client),
  });
}

async function run(
  observed: Observed,
  placed: Placed,
  deps: FineTuneJobDeps,
): Promise<ReconcileResult> {
  const { ftj } = observed;
  const { placement } = placed;
  const names = trainerNames(ftj.metadata.name);
  const scope = ftj.metadata.namespace ? { namespace: ftj.metadata.namespace } : {};
  const objects = desiredObjects({
    ftj,
    pool: placement.pool,
    computeDtype: placement.computeDtype,
    version: observed.version ?? "",
    trainer: deps.trainer,
  });
  const existing = await deps.client.get<V1Job>(Kinds.Job, { ...scope, name: names.job });
  if (existing && !isCurrent(existing, objects.job)) {
    // A Job of an earlier placement: its pod template is immutable, so it goes first and
    // its deletion brings the run back here.
    if (!existing.metadata?.deletionTimestamp)
      await deps.client.delete(Kinds.Job, { ...scope, name: names.job });
    return {};
  }
  await applyChildren(objects, existing, deps);
  observed.job = await deps.client.get<V1Job>(Kinds.Job, { ...scope, name: names.job });
  observed.pods = await deps.client.list<V1Pod>(Kinds.Pod, {
    ...scope,
    labels: { [FINETUNEJOB_LABEL]: ftj.metadata.name },
  });
  observed.progress = readProgress(
    await deps.client.get<V1ConfigMap>(Kinds.ConfigMap, { ...scope, name: names.exchange }),
  );
  if (jobCondition(observed.job, "Complete")) await register(observed, placement.pool, deps);
  return moveIfStuck(observed, placed, deps);
}

const DESIRED_HASH = "kubetune.io/desired-hash";

/**
 * Applies the training objects. The Job carries a hash of everything applied with it:
 * when it matches, the children are as desired and re-applying them would only cost
 * API writes.
 */
async function applyChildren(
  objects: DesiredObjects,
  existing: V1Job | undefined,
  deps: FineTuneJobDeps,
): Promise<void> {
  const hash = desiredHash(objects);
  if (existing?.metadata?.annotations?.[DESIRED_HASH] === hash) return;
  const { serviceAccount, role, roleBinding, exchange, job } = objects;
  job.metadata = Object.assign({}, job.metadata, { annotations: { [DESIRED_HASH]: hash } });
  await Promise.all([serviceAccount, role, roleBinding, exchange].map((o) => deps.client.apply(o)));
  await deps.client.apply(job); // last: the trainer must find its input and its RBAC
}

function desiredHash(objects: object): string {
  return createHash("sha256").update(JSON.stringify(objects)).digest("hex").slice(0, 16);
}

/** The existing Job matches the desired one in what cannot change: where it runs. */
function isCurrent(existing: V1Job, desired: V1Job): boolean {
  if (existing.metadata?.deletionTimestamp) return false;
  return isDeepStrictEqual(
    existing.spec?.template.spec?.nodeSelector ?? {},
    desired.spec?.template.spec?.nodeSelector ?? {},
  );
}

/** Whether this pass may register the result; notes in `observed` why not. */
function readyToRegister(observed: Observed): boolean {
  const { ftj } = observed;
  if (!isServable(ftj)) observed.artifactOnly = true;
  else if (ftj.status?.modelVersion) observed.modelVersion = ftj.status.modelVersion;
  // The version must be in status before the ModelVersion exists; this reconcile's
  // status write records it and the next one, which it asks for, registers.
  else if (!ftj.status?.version) observed.registerNext = true;
  else return true;
  return false;
}

async function register(observed: Observed, pool: GpuPool, deps: FineTuneJobDeps): Promise<void> {
  if (!readyToRegister(observed)) return;
  const { ftj } = observed;
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
  try {
    await deps.client.create(modelVersion);
  } catch (error) {
    if (!(error instanceof RejectedError)) throw error;
    observed.refusedModelVersion = error.message;
    return;
  }
  observed.modelVersion = modelVersionName(ftj);
}

async function writeStatus(
  ftj: FineTuneJob,
  status: NonNullable<FineTuneJob["status"]>,
  deps: FineTuneJobDeps,
): Promise<void> {
  if (isDeepStrictEqual(ftj.status, status)) return;
  await deps.client.patchStatus(Kinds.FineTuneJob, key(ftj), status, ftj.status);
  recordTransitions(ftj, status, deps.events);
  countAdmission(ftj.status, status, deps.admissions ?? noAdmissionMetrics);
}

function key(ftj: FineTuneJob): ObjectKey {
  const namespace = ftj.metadata.namespace;
  return namespace ? { namespace, name: ftj.metadata.name } : { name: ftj.metadata.name };
}
