// Applies (or removes) the route's HTTPRoute and says how that went as a condition.
import type { InferenceRoute } from "@kubetune/api";
import { InferenceRouteReasons as R } from "@kubetune/api";
import type { ConditionInput } from "../../runtime/conditions.js";
import { Kinds } from "../../runtime/kinds.js";
import { GATEWAY_GROUP, desiredHttpRoute } from "./gateway.js";
import { routerNames } from "./names.js";
import type { InferenceRouteDeps } from "./reconciler.js";
import { GATEWAY_CONDITION } from "./status.js";
import type { Weighted } from "./weights.js";

export async function reconcileGateway(
  route: InferenceRoute,
  weights: readonly Weighted[],
  deps: Pick<InferenceRouteDeps, "client" | "gateway">,
): Promise<ConditionInput | undefined> {
  const gateway = route.spec.gateway;
  const key = {
    namespace: route.metadata.namespace ?? "default",
    name: routerNames(route.metadata.name).httpRoute,
  };
  const installed = await deps.gateway.installed();
  if (!gateway) {
    // spec.gateway was removed: the HTTPRoute goes with it.
    if (installed) await deps.client.delete(Kinds.HTTPRoute, key);
    return undefined;
  }
  const c = (status: ConditionInput["status"], reason: string, message: string) => ({
    type: GATEWAY_CONDITION,
    status,
    reason,
    message,
  });
  if (!installed)
    return c(
      "False",
      R.GatewayAPIMissing,
      `spec.gateway is set but the cluster does not serve ${GATEWAY_GROUP}/v1; install the Gateway API CRDs to get an HTTPRoute`,
    );
  await deps.client.apply(desiredHttpRoute(route, weights));
  return c("True", "HTTPRouteApplied", `HTTPRoute ${key.name} attaches to Gateway ${gateway.name}`);
}
