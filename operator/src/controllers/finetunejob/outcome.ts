// What the training Job's state means for the run: scheduled or not (with the
// scheduler's own words), running, succeeded, or failed for a stable, documented reason.
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { FineTuneJobReasons, TRAINER_EXIT_REASONS } from "@kubetune/api";

export interface Verdict {
  reason: string;
  message: string;
}

export function jobCondition(job: V1Job | undefined, type: "Complete" | "Failed") {
  return job?.status?.conditions?.find((c) => c.type === type && c.status === "True");
}

/** The scheduler's verdict on the newest pod: undefined while it is simply pending. */
export function unschedulable(pods: readonly V1Pod[]): Verdict | undefined {
  const condition = newest(pods)?.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (condition?.status !== "False" || condition.reason !== "Unschedulable") return undefined;
  return {
    reason: FineTuneJobReasons.InsufficientGPU,
    message: condition.message ?? "the scheduler cannot place the training pod",
  };
}

export function scheduledNode(pods: readonly V1Pod[]): string | undefined {
  return newest(pods)?.spec?.nodeName;
}

const IMAGE_PULL_REASONS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName"]);
// The kubelet cannot build the container: a missing Secret or ConfigMap key, above all
// the output's credentialsSecret. The pod waits for ever; the run must say why.
const CONFIG_REASONS = new Set(["CreateContainerConfigError", "CreateContainerError"]);

/** What a waiting container's reason means for the run, if it means it cannot start. */
function stuckVerdict(image: string, reason: string, detail: string): Verdict | undefined {
  if (IMAGE_PULL_REASONS.has(reason))
    return {
      reason: FineTuneJobReasons.ImagePullFailure,
      message: `the trainer image ${image} cannot be pulled: ${detail}`,
    };
  if (CONFIG_REASONS.has(reason))
    return {
      reason: FineTuneJobReasons.ContainerConfigError,
      message: `the training container cannot be created: ${detail}`,
    };
  return undefined;
}

/** Why the trainer container cannot start (an image it cannot pull, a config it cannot build). */
export function stuckTrainer(pods: readonly V1Pod[]): Verdict | undefined {
  for (const status of newest(pods)?.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    const verdict = stuckVerdict(status.image, waiting.reason, waiting.message ?? waiting.reason);
    if (verdict) return verdict;
  }
  return undefined;
}

/** Maps a failed Job to a stable reason; OOM kills become GPUOutOfMemory with advice. */
export function failure(
  job: V1Job | undefined,
  pods: readonly V1Pod[],
  poolName: string,
): Verdict | undefined {
  const failed = jobCondition(job, "Failed");
  if (!failed) return undefined;
  if (failed.reason === "DeadlineExceeded") {
    return {
      reason: FineTuneJobReasons.DeadlineExceeded,
      message: `the run exceeded activeDeadlineSeconds: ${failed.message ?? ""}`.trim(),
    };
  }
  const terminations = pods
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .map((s) => s.state?.terminated)
    .filter((t) => t !== undefined);
  if (terminations.some((t) => t.reason === "OOMKilled")) {
    return {
      reason: FineTuneJobReasons.GPUOutOfMemory,
      message: `the trainer ran out of memory on pool ${poolName}; use a pool with more GPU memory, a smaller batch or sequence length, or gradient checkpointing`,
    };
  }
  const last = terminations.at(-1);
  const known = trainerFailure(last);
  if (known) return known;
  const detail = last
    ? `; last exit code ${last.exitCode}${last.message ? `: ${last.message}` : ""}`
    : "";
  return {
    reason: FineTuneJobReasons.BackoffLimitExceeded,
    message: `the training pod failed ${pods.length} time(s)${detail}`,
  };
}

/** A failure the trainer named by its exit code; its termination message says why. */
function trainerFailure(
  last: { exitCode: number; message?: string } | undefined,
): Verdict | undefined {
  if (!last || !(last.exitCode in TRAINER_EXIT_REASONS)) return undefined;
  const reason = TRAINER_EXIT_REASONS[last.exitCode as keyof typeof TRAINER_EXIT_REASONS];
  return { reason, message: last.message ?? `the trainer exited with code ${last.exitCode}` };
}

/** The termination message of a succeeded Job's pod: the trainer's result JSON. */
export function resultMessage(pods: readonly V1Pod[]): string | undefined {
  const succeeded = pods.find((p) => p.status?.phase === "Succeeded");
  return succeeded?.status?.containerStatuses?.find((s) => s.name === "trainer")?.state?.terminated
    ?.message;
}

/** Timestamps arrive as Date from client-node and as strings from JSON; compare as instants. */
function createdAt(pod: V1Pod): number {
  return new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
}

function newest(pods: readonly V1Pod[]): V1Pod | undefined {
  return [...pods].sort((a, b) => createdAt(a) - createdAt(b)).at(-1);
}
