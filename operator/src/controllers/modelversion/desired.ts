// The Deployment and Service of a served ModelVersion, as a pure function of the version
// and the operator's images and placement: re-reconciling yields the same objects.
import type {
  V1Deployment,
  V1ObjectMeta,
  V1Probe,
  V1ResourceRequirements,
  V1Service,
} from "@kubernetes/client-node";
import type { ModelVersion } from "@kubetune/api";
import type { PodPlacement } from "../../config/serving-placement.js";
import { MODELS_DIR, fetchContainers } from "./artifact-fetch.js";
import { SERVING_PORT, servingLabels, servingName, servingSelector } from "./names.js";
import { serverArgs } from "./server-args.js";

export interface ServingImages {
  encoder: string;
  llm: string;
}

export interface ServingObjects {
  deployment: V1Deployment;
  service: V1Service;
}

/** Per-runtime defaults when spec.serving.resources is unset: an LLM holds a GGUF in memory. */
export const DEFAULT_RESOURCES: Record<ModelVersion["spec"]["runtime"], V1ResourceRequirements> = {
  encoder: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
  llm: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "6Gi" } },
};

/**
 * How long a serving pod must have been ready before it counts: the time kube-proxy gets
 * to write the Service's rules (a second or two on a loaded node) before the first route
 * sends traffic there.
 */
export const SERVING_MIN_READY_SECONDS = 5;

const probe = (path: string, periodSeconds: number, failureThreshold: number): V1Probe => ({
  httpGet: { path, port: "http" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 2,
});

export function desiredServing(
  mv: ModelVersion,
  images: ServingImages,
  placement: PodPlacement = {},
): ServingObjects {
  const name = servingName(mv.metadata.name);
  const metadata: V1ObjectMeta = {
    name,
    namespace: mv.metadata.namespace ?? "default",
    labels: servingLabels(mv),
    ownerReferences: [
      {
        apiVersion: mv.apiVersion,
        kind: mv.kind,
        name: mv.metadata.name,
        uid: mv.metadata.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  const spec = deployment(mv, metadata, images);
  Object.assign(spec.spec?.template.spec ?? {}, structuredClone(placement));
  return { deployment: spec, service: service(mv, metadata) };
}

function deployment(mv: ModelVersion, metadata: V1ObjectMeta, images: ServingImages): V1Deployment {
  const image = mv.spec.runtime === "encoder" ? images.encoder : images.llm;
  const resources = mv.spec.serving?.resources ?? DEFAULT_RESOURCES[mv.spec.runtime];
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      replicas: mv.spec.serving?.replicas ?? 1,
      // The version is Ready (and gets traffic) only after this: see replicaCounts in status.ts.
      minReadySeconds: SERVING_MIN_READY_SECONDS,
      selector: { matchLabels: servingSelector(mv.metadata.name) },
      template: {
        metadata: {
          labels: servingLabels(mv),
          annotations: {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": String(SERVING_PORT),
            "prometheus.io/path": "/metrics",
          },
        },
        spec: {
          initContainers: fetchContainers(mv, image),
          containers: [
            {
              name: "server",
              image,
              args: serverArgs(mv),
              ports: [{ name: "http", containerPort: SERVING_PORT }],
              resources: structuredClone(resources) as V1ResourceRequirements,
              // Loading a model takes a while: ready only once it answers; the startup
              // probe gives a large GGUF minutes before liveness counts.
              readinessProbe: probe("/v2/health/ready", 5, 3),
              livenessProbe: probe("/v2/health/live", 10, 3),
              startupProbe: probe("/v2/health/live", 5, 60),
              volumeMounts: [{ name: "models", mountPath: MODELS_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: "models", emptyDir: {} }],
        },
      },
    },
  };
}

function service(mv: ModelVersion, metadata: V1ObjectMeta): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: {
      selector: servingSelector(mv.metadata.name),
      ports: [{ name: "http", port: SERVING_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
