// Kubernetes Events for the ModelVersion transitions a user wants in `kubectl describe`.
import type { ModelVersion, ModelVersionStatus } from "@kubetune/api";
import { ModelVersionConditions as C } from "@kubetune/api";
import type { EventRecorder } from "../../runtime/client.js";
import { findCondition } from "../../runtime/conditions.js";

/** One event per condition that changed status or reason; failures are warnings. */
export function recordTransitions(
  mv: ModelVersion,
  next: ModelVersionStatus,
  events: EventRecorder,
): void {
  for (const type of [C.ArtifactVerified, C.Ready]) {
    const before = findCondition(mv.status?.conditions, type);
    const after = findCondition(next.conditions, type);
    if (!after || after.status === "Unknown") continue;
    if (before?.status === after.status && before.reason === after.reason) continue;
    const warn = type === C.ArtifactVerified && after.status === "False";
    if (warn) events.warning(mv, after.reason, after.message);
    else events.normal(mv, after.reason, after.message);
  }
}
