// The optional Gateway API HTTPRoute: the Gateway's traffic split between the variants'
// Services by their applied weights (without the router's stickiness or cascade, which a
// Gateway cannot do). Rendered only where the Gateway API CRDs are installed.
import type { KubeConfig } from "@kubernetes/client-node";
import { ApisApi } from "@kubernetes/client-node";
import type { InferenceRoute } from "@kubetune/api";
import type { ApiObject } from "../../runtime/client.js";
import { SERVING_PORT, servingName } from "../modelversion/names.js";
import { ownedMetadata } from "./desired.js";
import { routerNames } from "./names.js";
import type { Weighted } from "./weights.js";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export interface GatewayApi {
  /** Whether the cluster serves gateway.networking.k8s.io/v1. */
  installed(): Promise<boolean>;
}

export function desiredHttpRoute(route: InferenceRoute, weights: readonly Weighted[]): ApiObject {
  const gateway = route.spec.gateway;
  if (!gateway) throw new Error(`InferenceRoute ${route.metadata.name} has no gateway`);
  const backendRefs = route.spec.variants
    .map((v) => ({ v, weight: weights.find((w) => w.name === v.name)?.weight ?? 0 }))
    .filter(({ weight }) => weight > 0)
    .map(({ v, weight }) => ({ name: servingName(v.modelVersion), port: SERVING_PORT, weight }));
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: "HTTPRoute",
    metadata: ownedMetadata(route, routerNames(route.metadata.name).httpRoute),
    spec: {
      parentRefs: [
        {
          group: GATEWAY_GROUP,
          kind: "Gateway",
          name: gateway.name,
          ...(gateway.namespace ? { namespace: gateway.namespace } : {}),
          ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}),
        },
      ],
      ...(gateway.hostnames ? { hostnames: [...gateway.hostnames] } : {}),
      rules: [{ backendRefs }],
    },
  } as ApiObject;
}

export class DiscoveryGatewayApi implements GatewayApi {
  private readonly apis: ApisApi;

  constructor(kc: KubeConfig) {
    this.apis = kc.makeApiClient(ApisApi);
  }

  async installed(): Promise<boolean> {
    const groups = await this.apis.getAPIVersions();
    return groups.groups.some(
      (g) => g.name === GATEWAY_GROUP && g.versions.some((v) => v.version === "v1"),
    );
  }
}
