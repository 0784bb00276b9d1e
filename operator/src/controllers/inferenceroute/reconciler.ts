// Reconciles one InferenceRoute: resolve its backends, step its rollout, render and apply
// the routing table and the router, confirm with the router which table it serves, and
// write status. Logic lives in the pure functions beside this file.
import type { V1ConfigMap, V1Deployment, V1Service } from "@kubernetes/client-node";
import type {
  InferenceRoute,
  InferenceRouteStatus,
  ModelVersion,
  RoutingTable,
} from "@kubetune/api";
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { PodPlacement } from "../../config/serving-placement.js";
import type { EventRecorder, KubeClient, ObjectKey } from "../../runtime/client.js";
import type { ReconcileResult } from "../../runtime/controller.js";
import { Kinds } from "../../runtime/kinds.js";
import type { RolloutAnalyzer } from "./analysis.js";
import { resolveBackends } from "./backends.js";
import { routerDeployment, routerService, tableConfigMap } from "./desired.js";
import { recordRouteTransitions } from "./events.js";
import type { GatewayApi } from "./gateway.js";
import { reconcileGateway } from "./gateway-reconcile.js";
import { routerNames } from "./names.js";
import { promoteIfCompleted, stepRollout } from "./rollout-reconcile.js";
import { computeStatus, isApplied, verifyRetryMs } from "./status.js";
import { renderTable, tableIn, tableJson, withGeneration } from "./table.js";
import type { TableDelivery } from "./verify.js";
import type { AdminTokens } from "./admin-token.js";
import { tokenFingerprint } from "./admin-token.js";
import type { Weighted } from "./weights.js";
import { appliedWeights, rolloutWeights } from "./weights.js";

export interface InferenceRouteDeps {
  client: KubeClient;
  events: EventRecorder;
  now: () => Date;
  routerImage: string;
  placement: PodPlacement;
  tokens: AdminTokens;
  delivery: TableDelivery;
  gateway: GatewayApi;
  /** Undefined when no Prometheus is configured: rollouts with thresholds hold their step. */
  analyzer: RolloutAnalyzer | undefined;
}

export async function reconcileInferenceRoute(
  key: ObjectKey,
  deps: InferenceRouteDeps,
): Promise<ReconcileResult> {
  const route = await deps.client.get<InferenceRoute>(Kinds.InferenceRoute, key);
  if (!route) return {}; // deleted: owner references collect the router and its table
  const plan = await planTable(route, deps);
  const token = await deps.tokens.tokenFor(route);
  await applyRouter(route, plan, token, deps);
  const gateway = await reconcileGateway(route, plan.table?.variants ?? [], deps);
  const verified = plan.table ? await deps.delivery.deliver(key, plan.table, token) : undefined;
  const observed = { ...plan, route, now: deps.now(), verified, gateway };
  const status = computeStatus(observed);
  // Before the status that records Completed: a crash in between promotes on the retry.
  if (plan.rollout) await promoteIfCompleted(route, plan.rollout, deps);
  if (!isDeepStrictEqual(route.status, status)) {
    await deps.client.patchStatus(Kinds.InferenceRoute, key, status, route.status);
    recordRouteTransitions(route, status, deps.events);
  }
  return nextCheck(observed, status);
}

/** When to look again: for the router's confirmation, and for the rollout's next step or analysis. */
function nextCheck(
  observed: Parameters<typeof isApplied>[0] & {
    now: Date;
    rollout?: { requeueAfterMs?: number } | undefined;
  },
  status: InferenceRouteStatus,
): ReconcileResult {
  const unconfirmed = observed.table !== undefined && !isApplied(observed);
  const waits = [
    unconfirmed ? verifyRetryMs(status, observed.now) : undefined,
    observed.rollout?.requeueAfterMs,
  ].filter((w): w is number => w !== undefined);
  return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) } : {};
}

/** The backends, the rollout's step, the weights, and the table to write (the previous one when every variant is down). */
async function planTable(route: InferenceRoute, deps: InferenceRouteDeps) {
  const scope = { namespace: route.metadata.namespace ?? "default" };
  const versions = await deps.client.list<ModelVersion>(Kinds.ModelVersion, scope);
  const backends = resolveBackends(route, versions);
  const rollout = route.spec.rollout ? await stepRollout(route, versions, deps) : undefined;
  const desired = desiredWeights(route, rollout?.candidateWeight);
  const weights = appliedWeights(desired, (name) =>
    backends.variants.some((b) => b.role === name && b.up),
  );
  const configMap = await deps.client.get<V1ConfigMap>(Kinds.ConfigMap, {
    ...scope,
    name: routerNames(route.metadata.name).configMap,
  });
  const previous = tableIn(configMap?.data);
  const step = rollout && { step: rollout.state.step ?? 0, weight: rollout.candidateWeight };
  const table = weights
    ? withGeneration(
        renderTable({ route, backends, weights, rollout: step }),
        previous,
        route.status?.tableGeneration ?? 0,
      )
    : previous;
  return { backends, rollout, desired, table, previous };
}

function desiredWeights(route: InferenceRoute, candidateWeight: number | undefined): Weighted[] {
  const spec = route.spec.variants.map((v) => ({ name: v.name, weight: v.weight }));
  const candidate = route.spec.rollout?.candidate;
  return candidate !== undefined && candidateWeight !== undefined
    ? rolloutWeights(spec, candidate, candidateWeight)
    : spec;
}

const DESIRED_HASH = "kubetune.io/desired-hash";

/** Writes the table when it changed, and the router's Deployment and Service unless they are as desired. */
async function applyRouter(
  route: InferenceRoute,
  { table, previous }: { table: RoutingTable | undefined; previous: RoutingTable | undefined },
  token: string,
  deps: InferenceRouteDeps,
): Promise<void> {
  if (table && !isDeepStrictEqual(table, previous))
    await deps.client.apply(tableConfigMap(route, tableJson(table)));
  const deployment = routerDeployment(route, {
    image: deps.routerImage,
    placement: deps.placement,
    tokenFingerprint: tokenFingerprint(token),
  });
  const service = routerService(route);
  const hash = createHash("sha256")
    .update(JSON.stringify([deployment, service]))
    .digest("hex")
    .slice(0, 16);
  const names = routerNames(route.metadata.name);
  const scope = { namespace: route.metadata.namespace ?? "default" };
  const existing = await deps.client.get<V1Deployment>(Kinds.Deployment, {
    ...scope,
    name: names.deployment,
  });
  const existingService = await deps.client.get<V1Service>(Kinds.Service, {
    ...scope,
    name: names.service,
  });
  if (existing?.metadata?.annotations?.[DESIRED_HASH] === hash && existingService) return;
  deployment.metadata = Object.assign({}, deployment.metadata, {
    annotations: { [DESIRED_HASH]: hash },
  });
  await deps.client.apply(service);
  await deps.client.apply(deployment);
}
