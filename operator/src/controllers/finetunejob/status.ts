// The FineTuneJob's status as a pure function of what the reconciler observed. No
// clock reads beyond `now` for condition transitions: progress, ETA and GPU-seconds come
// from timestamps in the observed objects, so an unchanged world yields an unchanged status.
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import type { FineTuneJob, FineTuneJobStatus, TrainerProgress } from "@kubetune/api";
import { FineTuneJobConditions as C, FineTuneJobReasons as R } from "@kubetune/api";
import type { ConditionInput } from "../../runtime/conditions.js";
import { findCondition, setCondition } from "../../runtime/conditions.js";
import type { Verdict } from "./outcome.js";
import { failure, stuckTrainer, jobCondition, scheduledNode, unschedulable } from "./outcome.js";
import type { Placement } from "./placement.js";

export interface Observed {
  ftj: FineTuneJob;
  now: Date;
  /** This reconcile's placement decision (or the one recorded in status). */
  placement: Placement | undefined;
  /** Why placement could not even be attempted, e.g. an invalid pool configuration. */
  blocked?: Verdict;
  version: string | undefined;
  job?: V1Job | undefined;
  pods: readonly V1Pod[];
  progress?: TrainerProgress | undefined;
  modelVersion?: string | undefined;
  /** The trainer succeeded but its result could not be used. */
  invalidResult?: string | undefined;
  /** The run succeeded with an artifact kubetune cannot serve (safetensors): nothing to register. */
  artifactOnly?: boolean | undefined;
  /** The API server refused the ModelVersion built from the result. */
  refusedModelVersion?: string | undefined;
  /** The run succeeded before its version was in status: register on the next pass. */
  registerNext?: boolean;
  /** Pools the run was moved away from because its pod stayed unschedulable. */
  triedPools?: string[] | undefined;
}

type Phase = { condition: ConditionInput; terminal?: "Succeeded" | "Failed" };

export function computeStatus(observed: Observed): FineTuneJobStatus {
  const { ftj, now } = observed;
  const context = { generation: ftj.metadata.generation ?? 0, now };
  let conditions = ftj.status?.conditions ?? [];
  for (const input of conditionsFor(observed))
    conditions = setCondition(conditions, input, context);
  return dropUndefined({
    observedGeneration: ftj.metadata.generation,
    conditions,
    placement: placementStatus(observed),
    progress: progressStatus(observed),
    version: observed.version,
    modelVersion: observed.modelVersion ?? ftj.status?.modelVersion,
    ...jobTiming(observed),
  });
}

function jobTiming(observed: Observed) {
  return {
    job: observed.job?.metadata?.name,
    startTime: iso(observed.job?.status?.startTime),
    completionTime: iso(endTime(observed.job)),
    gpuSeconds: gpuSeconds(observed),
  };
}

/** When the Job finished, successfully or not. */
function endTime(job: V1Job | undefined): Date | undefined {
  return job?.status?.completionTime ?? jobCondition(job, "Failed")?.lastTransitionTime;
}

function conditionsFor(observed: Observed): ConditionInput[] {
  const admitted = admission(observed);
  if (admitted.status !== "True") return [admitted, ready(admitted)];
  const scheduled = scheduling(observed);
  const phase = runPhase(observed);
  const conditions = [admitted, scheduled, phase.condition];
  if (phase.terminal === "Succeeded")
    conditions.push(cond(C.Succeeded, "True", phase.condition.reason, phase.condition.message));
  if (phase.terminal === "Failed")
    conditions.push(cond(C.Failed, "True", phase.condition.reason, phase.condition.message));
  const blocker = phase.terminal
    ? phase.condition
    : scheduled.status === "True"
      ? phase.condition
      : scheduled;
  return [...conditions, ready(blocker, phase.terminal === "Succeeded")];
}

function cond(
  type: string,
  status: ConditionInput["status"],
  reason: string,
  message: string,
): ConditionInput {
  return { type, status, reason, message };
}

function admission(observed: Observed): ConditionInput {
  if (observed.blocked)
    return cond(C.Admitted, "False", observed.blocked.reason, observed.blocked.message);
  const placement = observed.placement;
  if (!placement) return cond(C.Admitted, "Unknown", R.Pending, "placing the run");
  if (!placement.placed) return cond(C.Admitted, "False", placement.reason, placement.message);
  // A placement made earlier keeps the words it was announced with.
  const announced = findCondition(observed.ftj.status?.conditions, C.Admitted);
  if (placement.recorded && announced?.status === "True")
    return cond(C.Admitted, "True", announced.reason, announced.message);
  const message = `placed on pool ${placement.pool.name} (${placement.pool.gpuType}, ${placement.pool.gpuMemoryGiB} GiB): estimated ${placement.estimatedGiB.toFixed(1)} GiB per GPU in ${placement.computeDtype}; ${placement.why}`;
  return cond(C.Admitted, "True", R.Placed, message);
}

function scheduling(observed: Observed): ConditionInput {
  const node = scheduledNode(observed.pods);
  if (node)
    return cond(C.Scheduled, "True", R.PodScheduled, `the training pod runs on node ${node}`);
  const refused = unschedulable(observed.pods);
  if (refused) return cond(C.Scheduled, "False", refused.reason, refused.message);
  return cond(C.Scheduled, "False", R.Pending, "waiting for the training pod to be scheduled");
}

const ended = (reason: string, message: string, terminal: "Succeeded" | "Failed"): Phase => ({
  condition: cond(C.Running, "False", reason, message),
  terminal,
});

/** Why the run failed, if it did: the Job's own failure, or an unusable result. */
function failedPhase(observed: Observed): Phase | undefined {
  const pool = observed.placement?.placed ? observed.placement.pool.name : "";
  const failed = failure(observed.job, observed.pods, pool);
  if (failed) return ended(failed.reason, failed.message, "Failed");
  if (observed.invalidResult) return ended(R.InvalidResult, observed.invalidResult, "Failed");
  if (observed.refusedModelVersion) {
    const message = `the API server refused the ModelVersion for the result: ${observed.refusedModelVersion}`;
    return ended(R.ModelVersionRefused, message, "Failed");
  }
  return undefined;
}

function succeededPhase(observed: Observed): Phase | undefined {
  if (!jobCondition(observed.job, "Complete")) return undefined;
  if (observed.artifactOnly) {
    const { format, uri } = observed.ftj.spec.output;
    return ended(
      R.ArtifactWritten,
      `wrote the ${format} artifact to ${uri}; only gguf and onnx artifacts are registered as ModelVersions`,
      "Succeeded",
    );
  }
  if (!observed.modelVersion) return undefined;
  const message = `registered the result as ModelVersion ${observed.modelVersion} (version ${observed.version ?? "?"})`;
  return ended(R.ModelVersionCreated, message, "Succeeded");
}

function runPhase(observed: Observed): Phase {
  const finished = failedPhase(observed) ?? succeededPhase(observed);
  if (finished) return finished;
  const stuck = stuckTrainer(observed.pods);
  if (stuck) return { condition: cond(C.Running, "False", stuck.reason, stuck.message) };
  if (observed.pods.some((p) => p.status?.phase === "Running")) {
    return { condition: cond(C.Running, "True", R.Training, progressMessage(observed.progress)) };
  }
  return { condition: cond(C.Running, "False", R.Pending, "the trainer has not started") };
}

function ready(blocker: ConditionInput, succeeded = false): ConditionInput {
  return succeeded
    ? cond(C.Ready, "True", blocker.reason, blocker.message)
    : cond(C.Ready, "False", blocker.reason, blocker.message);
}

function progressMessage(progress: TrainerProgress | undefined): string {
  if (!progress) return "training";
  return `training: step ${progress.step} of ${progress.totalSteps}${progress.loss ? `, loss ${progress.loss}` : ""}`;
}

function placementStatus(observed: Observed): FineTuneJobStatus["placement"] {
  const placement = observed.placement;
  if (!placement?.placed) return observed.ftj.status?.placement;
  return dropUndefined({
    pool: placement.pool.name,
    gpuType: placement.pool.gpuType,
    node: scheduledNode(observed.pods) ?? observed.ftj.status?.placement?.node,
    estimatedMemoryGiB: placement.estimatedGiB.toFixed(1),
    gpuMemoryGiB: placement.pool.gpuMemoryGiB,
    computeDtype: placement.computeDtype,
    triedPools: observed.triedPools ?? observed.ftj.status?.placement?.triedPools,
  });
}

function progressStatus(observed: Observed): FineTuneJobStatus["progress"] {
  const progress = observed.progress;
  if (!progress) return observed.ftj.status?.progress;
  const percent =
    progress.totalSteps > 0
      ? Math.min(100, Math.floor((progress.step / progress.totalSteps) * 100))
      : 0;
  const started = observed.job?.status?.startTime;
  const elapsed = started
    ? (Date.parse(progress.time) - new Date(started).getTime()) / 1000
    : undefined;
  const etaSeconds =
    elapsed !== undefined && progress.step > 0 && elapsed > 0
      ? Math.round((elapsed / progress.step) * Math.max(0, progress.totalSteps - progress.step))
      : undefined;
  return dropUndefined({
    step: progress.step,
    totalSteps: progress.totalSteps,
    epoch: progress.epoch,
    loss: progress.loss,
    percent,
    etaSeconds,
  });
}

/** GPUs × seconds from the pod's start to the end, or to the latest progress report. */
function gpuSeconds(observed: Observed): number | undefined {
  const started = observed.job?.status?.startTime;
  const until = measuredUntil(observed);
  if (!started || until === undefined) return observed.ftj.status?.gpuSeconds;
  const gpus = observed.ftj.spec.resources?.gpu?.count ?? 1;
  return Math.max(0, Math.round(((until - new Date(started).getTime()) / 1000) * gpus));
}

function measuredUntil(observed: Observed): number | undefined {
  const ended = endTime(observed.job);
  if (ended) return new Date(ended).getTime();
  return observed.progress ? Date.parse(observed.progress.time) : undefined;
}

function iso(time: Date | string | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString();
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** Status fields are optional; an undefined value must not be written as a key. */
function dropUndefined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
