// The router of a route: the ConfigMap holding its routing table, a Deployment of the
// router mounting it (the router hot-reloads it, so a table change never restarts pods),
// the Secret holding the token the operator pushes tables with, and a Service named
// after the route.
import type {
  V1ConfigMap,
  V1Deployment,
  V1ObjectMeta,
  V1Probe,
  V1Secret,
  V1Service,
} from "@kubernetes/client-node";
import type { InferenceRoute } from "@kubetune/api";
import { ROUTER_ADMIN_TOKEN_ENV, ROUTING_TABLE_FILE } from "@kubetune/api";
import type { PodPlacement } from "../../config/serving-placement.js";
import { ROUTER_PORT, routerLabels, routerNames, routerSelector } from "./names.js";

const TABLE_DIR = "/etc/kubetune/routing";

export function ownedMetadata(route: InferenceRoute, name: string): V1ObjectMeta {
  return {
    name,
    namespace: route.metadata.namespace ?? "default",
    labels: routerLabels(route.metadata.name),
    ownerReferences: [
      {
        apiVersion: route.apiVersion,
        kind: route.kind,
        name: route.metadata.name,
        uid: route.metadata.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

export function tableConfigMap(route: InferenceRoute, json: string): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: ownedMetadata(route, routerNames(route.metadata.name).configMap),
    data: { [ROUTING_TABLE_FILE]: json },
  };
}

export const ADMIN_TOKEN_KEY = "token";
const TOKEN_FINGERPRINT = "kubetune.io/admin-token-fingerprint";

/** Created once with a random token and never rewritten: routers read it at start. */
export function adminSecret(route: InferenceRoute, token: string): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: ownedMetadata(route, routerNames(route.metadata.name).adminSecret),
    type: "Opaque",
    data: { [ADMIN_TOKEN_KEY]: Buffer.from(token).toString("base64") },
  };
}

const probe = (path: string, periodSeconds: number): V1Probe => ({
  httpGet: { path, port: "http" },
  periodSeconds,
  failureThreshold: 3,
  timeoutSeconds: 2,
});

/** What the router Deployment is made from besides the route. */
export interface RouterSettings {
  image: string;
  placement: PodPlacement;
  /** tokenFingerprint of the admin token the pods read. */
  tokenFingerprint: string;
}

export function routerDeployment(route: InferenceRoute, settings: RouterSettings): V1Deployment {
  const names = routerNames(route.metadata.name);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: ownedMetadata(route, names.deployment),
    spec: {
      replicas: 1,
      selector: { matchLabels: routerSelector(route.metadata.name) },
      template: {
        metadata: {
          labels: routerLabels(route.metadata.name),
          annotations: {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(ROUTER_PORT),
            "prometheus.io/path": "/metrics",
            [TOKEN_FINGERPRINT]: settings.tokenFingerprint,
          },
        },
        spec: {
          ...structuredClone(settings.placement),
          containers: [
            {
              name: "router",
              image: settings.image,
              args: [
                "--config",
                `${TABLE_DIR}/${ROUTING_TABLE_FILE}`,
                "--host",
                "0.0.0.0",
                "--port",
                String(ROUTER_PORT),
              ],
              ports: [{ name: "http", containerPort: ROUTER_PORT }],
              env: [
                {
                  name: ROUTER_ADMIN_TOKEN_ENV,
                  valueFrom: { secretKeyRef: { name: names.adminSecret, key: ADMIN_TOKEN_KEY } },
                },
              ],
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { memory: "256Mi" },
              },
              // Ready once a valid table is in force (the router answers 503 before).
              readinessProbe: probe("/v2/health/ready", 1),
              livenessProbe: probe("/v2/health/live", 10),
              // The whole directory, not a subPath: a ConfigMap update swaps a symlink there.
              volumeMounts: [{ name: "routing-table", mountPath: TABLE_DIR, readOnly: true }],
            },
          ],
          // The router drains in-flight requests on SIGTERM for up to 25 s.
          terminationGracePeriodSeconds: 30,
          volumes: [
            // Optional: while every backend is down and no table was ever written, the
            // router starts and answers 503 instead of the pod hanging on a missing volume.
            { name: "routing-table", configMap: { name: names.configMap, optional: true } },
          ],
        },
      },
    },
  };
}

export function routerService(route: InferenceRoute): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: ownedMetadata(route, routerNames(route.metadata.name).service),
    spec: {
      selector: routerSelector(route.metadata.name),
      ports: [{ name: "http", port: ROUTER_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
