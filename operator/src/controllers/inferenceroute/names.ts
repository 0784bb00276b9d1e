// Names and labels of what an InferenceRoute owns: the routing-table ConfigMap, the
// router Deployment, the Secret with its admin token, the Service named after the route,
// and an optional HTTPRoute.
export const INFERENCEROUTE_LABEL = "kubetune.io/inferenceroute";
export const ROUTER_PORT = 8080;

export function routerNames(route: string) {
  return {
    service: route,
    deployment: `${route}-router`,
    configMap: `${route}-routing-table`,
    adminSecret: `${route}-router-admin`,
    httpRoute: route,
  };
}

export function routeUrl(route: string, namespace: string): string {
  return `http://${route}.${namespace}.svc:${ROUTER_PORT}`;
}

export function routerSelector(route: string): Record<string, string> {
  return { [INFERENCEROUTE_LABEL]: route, "app.kubernetes.io/component": "router" };
}

export function routerLabels(route: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "kubetune-router",
    "app.kubernetes.io/instance": route,
    "app.kubernetes.io/managed-by": "kubetune-operator",
    ...routerSelector(route),
  };
}
