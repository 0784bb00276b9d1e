// Kubernetes Events for the route transitions an SRE wants in `kubectl describe`.
import type { InferenceRoute, InferenceRouteStatus } from "@kubetune/api";
import { InferenceRouteConditions as C, InferenceRouteReasons as R } from "@kubetune/api";
import type { EventRecorder } from "../../runtime/client.js";
import { findCondition } from "../../runtime/conditions.js";
import { GATEWAY_CONDITION } from "./status.js";

const WARNINGS: readonly string[] = [
  R.RolledBack,
  R.AllBackendsDown,
  R.ModelVersionNotFound,
  R.ModelVersionArchived,
  R.BackendNotReady,
  R.GatewayAPIMissing,
  R.AnalysisUnavailable,
];

export function recordRouteTransitions(
  route: InferenceRoute,
  next: InferenceRouteStatus,
  events: EventRecorder,
): void {
  for (const type of [C.BackendsReady, C.WeightsApplied, C.Progressing, GATEWAY_CONDITION]) {
    const after = findCondition(next.conditions, type);
    if (!after || !isNews(type, route, next)) continue;
    if (WARNINGS.includes(after.reason)) events.warning(route, after.reason, after.message);
    else events.normal(route, after.reason, after.message);
  }
}

function stepMoved(type: string, route: InferenceRoute, next: InferenceRouteStatus): boolean {
  return type === C.Progressing && route.status?.rollout?.step !== next.rollout?.step;
}

function isNews(type: string, route: InferenceRoute, next: InferenceRouteStatus): boolean {
  const before = findCondition(route.status?.conditions, type);
  const after = findCondition(next.conditions, type);
  if (!after) return false;
  if (stepMoved(type, route, next)) return true;
  if (before && before.status === after.status && before.reason === after.reason) return false;
  // Waiting for the router is routine; its confirmation and real failures are news.
  return after.reason !== R.TableNotApplied && !(after.reason === R.RouterUnreachable && !before);
}
