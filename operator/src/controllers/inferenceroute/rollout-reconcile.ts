// The rollout's side effects around the pure state machine: measuring the candidate when
// an analysis is due, and promoting its ModelVersion once the rollout completes.
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { InferenceRouteConditions as C, InferenceRouteReasons as R } from "@kubetune/api";
import { findCondition } from "../../runtime/conditions.js";
import { Kinds } from "../../runtime/kinds.js";
import { stageChangePatch } from "../modelversion/stage.js";
import type { Measurement } from "./analysis.js";
import { hasThresholds } from "./analysis.js";
import { durationMs } from "./duration.js";
import type { InferenceRouteDeps } from "./reconciler.js";
import type { RolloutOutcome } from "./rollout.js";
import { analysisDue, nextRollout } from "./rollout.js";

/** Since when the candidate variant's ModelVersion is Ready (its condition's transition), or null. */
export function candidateReadySince(
  route: InferenceRoute,
  versions: readonly ModelVersion[],
): Date | null {
  const variant = route.spec.variants.find((v) => v.name === route.spec.rollout?.candidate);
  const mv = versions.find((v) => v.metadata.name === variant?.modelVersion);
  const ready = findCondition(mv?.status?.conditions, "Ready");
  return ready?.status === "True" ? new Date(ready.lastTransitionTime) : null;
}

export async function stepRollout(
  route: InferenceRoute,
  versions: readonly ModelVersion[],
  deps: Pick<InferenceRouteDeps, "analyzer" | "now">,
): Promise<RolloutOutcome> {
  const now = deps.now();
  const readySince = candidateReadySince(route, versions);
  // Without a Prometheus no analysis can ever pass: say so at once, not an interval later.
  const unmeasurable = !deps.analyzer && hasThresholds(route.spec.rollout?.analysis);
  const due = analysisDue(route, now, readySince) || (unmeasurable && readySince !== null);
  const measurement = due ? await measure(route, deps) : undefined;
  return nextRollout({
    route,
    now,
    candidateReadySince: readySince,
    ...(measurement ? { measurement } : {}),
  });
}

async function measure(
  route: InferenceRoute,
  deps: Pick<InferenceRouteDeps, "analyzer">,
): Promise<Measurement | Error> {
  if (!deps.analyzer) return new Error("no Prometheus is configured for the operator");
  const rollout = route.spec.rollout;
  try {
    return await deps.analyzer.measure({
      namespace: route.metadata.namespace ?? "default",
      route: route.metadata.name,
      variant: rollout?.candidate ?? "",
      windowSeconds: Math.max(1, durationMs(rollout?.analysis?.interval, 30_000) / 1000),
    });
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A rollout that completes makes the candidate's ModelVersion production (the ModelVersion
 * controller demotes the old one). Once, on the way into Completed: a later promotion or
 * rollback of another version must not be undone by a rollout that finished long ago.
 */
export async function promoteIfCompleted(
  route: InferenceRoute,
  outcome: RolloutOutcome,
  deps: Pick<InferenceRouteDeps, "client" | "events" | "now">,
): Promise<void> {
  const recorded = findCondition(route.status?.conditions, C.Progressing)?.reason;
  if (outcome.state.phase !== "Completed" || recorded === R.Completed) return;
  const candidate = route.spec.variants.find((v) => v.name === route.spec.rollout?.candidate);
  if (!candidate) return;
  const key = { namespace: route.metadata.namespace ?? "default", name: candidate.modelVersion };
  const mv = await deps.client.get<ModelVersion>(Kinds.ModelVersion, key);
  if (!mv || mv.spec.stage === "production") return;
  const by = `kubetune-operator: rollout of InferenceRoute ${route.metadata.name}`;
  await deps.client.patch(Kinds.ModelVersion, key, stageChangePatch("production", by, deps.now()));
  deps.events.normal(route, "Promoted", `ModelVersion ${candidate.modelVersion} is now production`);
}
