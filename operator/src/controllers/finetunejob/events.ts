// Kubernetes Events for the transitions a user wants to see in `kubectl describe`.
import type { FineTuneJob, FineTuneJobStatus } from "@kubetune/api";
import { FineTuneJobConditions as C } from "@kubetune/api";
import type { EventRecorder } from "../../runtime/client.js";
import { findCondition } from "../../runtime/conditions.js";

/** One event per condition that changed status or reason; failures are warnings. */
export function recordTransitions(
  ftj: FineTuneJob,
  next: FineTuneJobStatus,
  events: EventRecorder,
): void {
  for (const type of [C.Admitted, C.Scheduled, C.Running, C.Succeeded, C.Failed]) {
    const before = findCondition(ftj.status?.conditions, type);
    const after = findCondition(next.conditions, type);
    if (!after || (before?.status === after.status && before.reason === after.reason)) continue;
    if (after.reason === "Pending") continue; // waiting is not news
    if (isWarning(type, after)) events.warning(ftj, after.reason, after.message);
    else events.normal(ftj, after.reason, after.message);
  }
}

function isWarning(type: string, condition: { status: string; reason: string }): boolean {
  if (type === C.Failed) return condition.status === "True";
  if (type === C.Admitted) return condition.status === "False";
  return condition.reason === "InsufficientGPU";
}
