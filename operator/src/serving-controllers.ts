// The serving controllers (ModelVersion and InferenceRoute) over the manager's informers:
// what each watches, and how a changed object maps to the keys it concerns.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { INFERENCEROUTE_LABEL } from "./controllers/inferenceroute/names.js";
import { DiscoveryGatewayApi } from "./controllers/inferenceroute/gateway.js";
import { reconcileInferenceRoute } from "./controllers/inferenceroute/reconciler.js";
import { AdminTokens } from "./controllers/inferenceroute/admin-token.js";
import { PodProxyDelivery } from "./controllers/inferenceroute/router-delivery.js";
import { MODELVERSION_LABEL } from "./controllers/modelversion/names.js";
import { reconcileModelVersion } from "./controllers/modelversion/reconciler.js";
import { namedVersions } from "./controllers/modelversion/references.js";
import type { PodPlacement } from "./config/serving-placement.js";
import type { EventRecorder, KubeClient } from "./runtime/client.js";
import { keyString } from "./runtime/client.js";
import { Controller, labelKeys, ownerKeys } from "./runtime/controller.js";
import type { KindInformer } from "./runtime/informer.js";
import type { Logger } from "./runtime/logger.js";
import type { OperatorMetrics } from "./runtime/metrics.js";
import { PrometheusAnalyzer } from "./controllers/inferenceroute/prometheus-analyzer.js";

export interface ServingImages {
  encoder: string;
  llm: string;
  router: string;
}

export interface ServingInformers {
  modelVersions: KindInformer;
  routes: KindInformer;
  deployments: KindInformer;
  services: KindInformer;
  pods: KindInformer;
}

export interface ServingSetup {
  kc: KubeConfig;
  client: KubeClient;
  events: EventRecorder;
  images: ServingImages;
  /** Node selector and tolerations of every serving and router pod. */
  placement: PodPlacement;
  /** Where rollout analyses query the routers' metrics; none: analyses wait (AnalysisUnavailable). */
  prometheusUrl?: string;
  informers: ServingInformers;
  common: { workers: number; resyncMs: number; metrics: OperatorMetrics; log: Logger };
}

const namespaceOf = (o: KubernetesObject) => o.metadata?.namespace ?? "";

/** Every ModelVersion of the object's namespace: a route change can add or drop any reference. */
function versionsInNamespace(versions: KindInformer) {
  return (object: KubernetesObject) =>
    versions.cache
      .list(namespaceOf(object))
      .map((v) => keyString({ namespace: namespaceOf(v), name: v.metadata?.name ?? "" }));
}

function otherVersionsIfProduction(versions: KindInformer) {
  return (object: KubernetesObject) => {
    const mv = object as unknown as ModelVersion;
    if (mv.spec.stage !== "production") return [];
    return versions.cache
      .list(namespaceOf(object))
      .filter((v) => {
        const other = v as unknown as ModelVersion;
        return other.spec.model === mv.spec.model && other.metadata.name !== mv.metadata.name;
      })
      .map((v) => keyString({ namespace: namespaceOf(v), name: v.metadata?.name ?? "" }));
  };
}

/** The routes naming the version (variants or cascade). */
function routesNaming(routes: KindInformer) {
  return (object: KubernetesObject) =>
    routes.cache
      .list(namespaceOf(object))
      .filter((r) =>
        namedVersions(r as unknown as InferenceRoute).some((n) => n.name === object.metadata?.name),
      )
      .map((r) => keyString({ namespace: namespaceOf(r), name: r.metadata?.name ?? "" }));
}

export function servingControllers(setup: ServingSetup): Controller[] {
  const { kc, client, events, images, placement, informers, common } = setup;
  const now = () => new Date();
  const modelVersions = new Controller({
    name: "modelversion",
    root: informers.modelVersions,
    watches: [
      { informer: informers.routes, toKeys: versionsInNamespace(informers.modelVersions) },
      { informer: informers.deployments, toKeys: ownerKeys("ModelVersion") },
      { informer: informers.services, toKeys: ownerKeys("ModelVersion") },
      { informer: informers.pods, toKeys: labelKeys(MODELVERSION_LABEL) },
      // Stage rules span the versions of a model: a production one concerns the others.
      {
        informer: informers.modelVersions,
        toKeys: otherVersionsIfProduction(informers.modelVersions),
      },
    ],
    reconcile: (key) => reconcileModelVersion(key, { client, events, now, images, placement }),
    ignoreStatusUpdates: true,
    ...common,
  });
  const deps = {
    client,
    events,
    now,
    routerImage: images.router,
    placement,
    tokens: new AdminTokens(client),
    delivery: new PodProxyDelivery(kc),
    gateway: new DiscoveryGatewayApi(kc),
    analyzer:
      setup.prometheusUrl === undefined
        ? undefined
        : new PrometheusAnalyzer({ url: setup.prometheusUrl }),
  };
  const routes = new Controller({
    name: "inferenceroute",
    root: informers.routes,
    watches: [
      { informer: informers.modelVersions, toKeys: routesNaming(informers.routes) },
      { informer: informers.deployments, toKeys: ownerKeys("InferenceRoute") },
      { informer: informers.services, toKeys: ownerKeys("InferenceRoute") },
      { informer: informers.pods, toKeys: labelKeys(INFERENCEROUTE_LABEL) },
    ],
    reconcile: (key) => reconcileInferenceRoute(key, deps),
    ignoreStatusUpdates: true,
    ...common,
  });
  return [modelVersions, routes];
}

/** The label selector of the pods the operator caches: training, serving and router pods. */
export const MANAGED_PODS =
  "app.kubernetes.io/managed-by=kubetune-operator,app.kubernetes.io/component in (trainer,serving,router)";
