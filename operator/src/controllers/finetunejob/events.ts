// Kubernetes Events for the transitions a user wants to see in `kubectl describe`.
import type { FineTuneJob, FineTuneJobStatus } from "@kubetune/api";
import { FineTuneJobConditions as C } from "@kubetune/api";
import type { EventRecorder } from "../../runtime/client.js";
import { findCondition } from "../../runtime/conditions.js";

/** One event per condition that changed status or reason, but for routine ones; failures are warnings. */
export function recordTransitions(
  ftj: FineTuneJob,
  next: FineTuneJobStatus,
  events: EventRecorder,
): void {
  // When the run ends, Succeeded or Failed tells it; Running turning False would repeat it.
  const ended = [C.Succeeded, C.Failed].some(
    (type) => findCondition(next.conditions, type)?.status === "True",
  );
  const types = [C.Admitted, C.Scheduled, ...(ended ? [] : [C.Running]), C.Succeeded, C.Failed];
  for (const type of types) {
    const after = findCondition(next.conditions, type);
    if (!after || !isNews(type, findCondition(ftj.status?.conditions, type), after)) continue;
    if (isWarning(type, after)) events.warning(ftj, after.reason, after.message);
    else events.normal(ftj, after.reason, after.message);
  }
}

type Seen = { status: string; reason: string } | undefined;

function isNews(type: string, before: Seen, after: NonNullable<Seen>): boolean {
  if (before?.status === after.status && before.reason === after.reason) return false;
  if (after.reason === "Pending") return false; // waiting is not news
  // The scheduler already records a Scheduled event on the pod; Running follows at once.
  return !(type === C.Scheduled && after.status === "True");
}

function isWarning(type: string, condition: { status: string; reason: string }): boolean {
  if (type === C.Failed) return condition.status === "True";
  if (type === C.Admitted) return condition.status === "False";
  return condition.reason === "InsufficientGPU";
}
