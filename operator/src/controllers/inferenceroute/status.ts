// The InferenceRoute's status as a pure function of what the reconciler observed and did.
import type { Condition, InferenceRoute, InferenceRouteStatus, RoutingTable } from "@kubetune/api";
import { InferenceRouteConditions as C, InferenceRouteReasons as R } from "@kubetune/api";
import type { ConditionInput } from "../../runtime/conditions.js";
import { setCondition } from "../../runtime/conditions.js";
import type { Backend, Backends } from "./backends.js";
import { routeUrl } from "./names.js";
import { progressing } from "./rollout-status.js";
import type { RolloutOutcome } from "./rollout.js";
import { recordedRollout } from "./rollout.js";
import type { Applied } from "./verify.js";
import type { Weighted } from "./weights.js";

export const GATEWAY_CONDITION = "GatewayRouted";

export interface Observed {
  route: InferenceRoute;
  now: Date;
  backends: Backends;
  /** Weights the spec or the rollout step asks for. */
  desired: readonly Weighted[];
  /** The table in the router's ConfigMap after this reconcile (undefined: none was ever written). */
  table: RoutingTable | undefined;
  verified: Applied | undefined;
  rollout?: RolloutOutcome | undefined;
  gateway?: ConditionInput | undefined;
}

const cond = (
  type: string,
  status: ConditionInput["status"],
  reason: string,
  message: string,
): ConditionInput => ({ type, status, reason, message });

/** Whether the routers serve the table this reconcile rendered. */
export function isApplied(observed: Pick<Observed, "table" | "verified">): boolean {
  const { table, verified } = observed;
  return (
    !!table && !!verified && "generation" in verified && verified.generation >= table.generation
  );
}

export function computeStatus(observed: Observed): InferenceRouteStatus {
  const { route, now } = observed;
  const context = { generation: route.metadata.generation ?? 0, now };
  const inputs = conditionInputs(observed);
  let conditions: Condition[] = (route.status?.conditions ?? []).filter(
    (c) => inputs.some((i) => i.type === c.type) || !isOptional(c.type),
  );
  for (const input of inputs) conditions = setCondition(conditions, input, context);
  return {
    observedGeneration: route.metadata.generation ?? 0,
    conditions,
    variants: variantStatus(observed),
    url: routeUrl(route.metadata.name, route.metadata.namespace ?? "default"),
    ...optionalStatus(observed),
  };
}

function optionalStatus(observed: Observed): Partial<InferenceRouteStatus> {
  const generation = appliedGeneration(observed);
  const cascade = observed.backends.cascade;
  const state = observed.route.spec.rollout ? observed.rollout?.state : undefined;
  const rollout = state && recordedRollout(state);
  return {
    ...(generation === undefined ? {} : { tableGeneration: generation }),
    ...(cascade ? { cascade: backendStatus(cascade) } : {}),
    ...(rollout ? { rollout } : {}),
  };
}

function conditionInputs(observed: Observed): ConditionInput[] {
  const { route, rollout, gateway } = observed;
  const inputs = [backendsReady(observed), weightsApplied(observed)];
  if (rollout && route.spec.rollout) inputs.push(progressing(route, rollout));
  if (gateway) inputs.push(gateway);
  return [...inputs, ready(inputs)];
}

/** Conditions that disappear with the spec field that asks for them. */
function isOptional(type: string): boolean {
  return type === C.Progressing || type === GATEWAY_CONDITION;
}

function appliedGeneration(observed: Observed): number | undefined {
  const verified = observed.verified;
  if (verified && "generation" in verified) return verified.generation;
  return observed.route.status?.tableGeneration;
}

function backendStatus(backend: Backend) {
  return {
    modelVersion: backend.modelVersion,
    readyReplicas: backend.readyReplicas,
    ...(backend.up && backend.endpoint ? { endpoint: backend.endpoint } : {}),
  };
}

function variantStatus(observed: Observed): NonNullable<InferenceRouteStatus["variants"]> {
  const { route, table } = observed;
  const applied = isApplied(observed);
  const appliedWeight = (variant: { name: string; modelVersion: string }) => {
    if (applied) return table?.variants.find((v) => v.name === variant.name)?.weight;
    const previous = route.status?.variants?.find((v) => v.name === variant.name);
    return previous?.modelVersion === variant.modelVersion ? previous.weight : undefined;
  };
  return route.spec.variants.map((variant) => {
    const backend = observed.backends.variants.find((b) => b.role === variant.name);
    const weight = appliedWeight(variant);
    return {
      name: variant.name,
      modelVersion: variant.modelVersion,
      desiredWeight: observed.desired.find((d) => d.name === variant.name)?.weight ?? 0,
      ...(weight === undefined ? {} : { weight }),
      ...(backend ? backendStatus(backend) : {}),
    };
  });
}

function describeDown(backends: readonly Backend[]): string {
  return backends
    .map((b) => `${b.role === "cascade" ? "cascade" : `variant ${b.role}`}: ${b.message}`)
    .join("; ");
}

function backendsReady(observed: Observed): ConditionInput {
  const all = [
    ...observed.backends.variants,
    ...(observed.backends.cascade ? [observed.backends.cascade] : []),
  ];
  const down = all.filter((b) => !b.up);
  if (down.length === 0)
    return cond(C.BackendsReady, "True", R.BackendsReady, `all ${all.length} backends are ready`);
  if (observed.backends.variants.every((b) => !b.up))
    return cond(
      C.BackendsReady,
      "False",
      R.AllBackendsDown,
      `every variant is down, so the previous routing table stays in force: ${describeDown(down)}`,
    );
  const first = down[0] as Backend;
  return cond(
    C.BackendsReady,
    "False",
    first.reason,
    `${describeDown(down)}; down variants get weight 0`,
  );
}

function weightsApplied(observed: Observed): ConditionInput {
  const { table, verified } = observed;
  if (!table)
    return cond(
      C.WeightsApplied,
      "False",
      R.AllBackendsDown,
      "no routing table yet: every variant is down",
    );
  if (isApplied(observed))
    return cond(
      C.WeightsApplied,
      "True",
      R.TableApplied,
      `the router serves routing table generation ${table.generation}`,
    );
  if (!verified || "error" in verified)
    return cond(
      C.WeightsApplied,
      "False",
      R.RouterUnreachable,
      `routing table generation ${table.generation} is written; the router could not confirm it: ${verified && "error" in verified ? verified.error : "not asked"}`,
    );
  return cond(
    C.WeightsApplied,
    "False",
    R.TableNotApplied,
    `the router serves routing table generation ${verified.generation}; waiting for ${table.generation}`,
  );
}

function ready(inputs: readonly ConditionInput[]): ConditionInput {
  const blocker = inputs.find(
    (i) => (i.type === C.BackendsReady || i.type === C.WeightsApplied) && i.status !== "True",
  );
  if (blocker) return cond(C.Ready, "False", blocker.reason, blocker.message);
  return cond(
    C.Ready,
    "True",
    R.TableApplied,
    "the route serves traffic with the weights asked for",
  );
}

/**
 * How soon to ask the routers again while they have not confirmed the table: every 2 s at
 * first (the kubelet syncs a mounted ConfigMap lazily), then less often the longer it has
 * been unconfirmed, up to every 30 s, so an unreachable router costs little.
 */
export function verifyRetryMs(status: InferenceRouteStatus, now: Date): number {
  const since = status.conditions?.find((c) => c.type === C.WeightsApplied)?.lastTransitionTime;
  const waited = since ? now.getTime() - Date.parse(since) : 0;
  return Math.min(30_000, Math.max(2000, Math.round(waited / 4)));
}
