// With `auto`, a training pod the scheduler cannot place (GPUs taken by other workloads,
// nodes gone) is given a configured time, then the run moves to the next pool that fits.
// Pure: decides from the pod's PodScheduled condition and the clock.
import type { V1Pod } from "@kubernetes/client-node";
import type { FineTuneJob } from "@kubetune/api";

export type Waiting = { move: false; recheckInMs?: number } | { move: true; since: Date };

/** Whether a recorded auto placement should be given up, or when to look again. */
export function unschedulableFor(
  ftj: FineTuneJob,
  pods: readonly V1Pod[],
  now: Date,
  timeoutMs: number,
): Waiting {
  if ((ftj.spec.resources?.gpu?.type ?? "auto") !== "auto") return { move: false };
  const waiting = pods
    .filter((pod) => !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp)
    .map((pod) =>
      pod.status?.conditions?.find(
        (c) => c.type === "PodScheduled" && c.reason === "Unschedulable",
      ),
    )
    .find((condition) => condition?.lastTransitionTime !== undefined);
  if (!waiting?.lastTransitionTime) return { move: false };
  const since = new Date(waiting.lastTransitionTime);
  const remaining = since.getTime() + timeoutMs - now.getTime();
  return remaining > 0 ? { move: false, recheckInMs: remaining } : { move: true, since };
}
