// Builds ModelVersions and InferenceRoutes for tests: small valid objects, changed fluently.
import type {
  InferenceRoute,
  InferenceRouteSpec,
  ModelVersion,
  ModelVersionSpec,
  ModelVersionStatus,
} from "@kubetune/api";

const DIGEST = `sha256:${"ab".repeat(32)}`;

export function makeModelVersion(
  name: string,
  namespace: string,
  change: Partial<ModelVersionSpec> = {},
): ModelVersion {
  const llm = change.runtime === "llm";
  return {
    apiVersion: "kubetune.io/v1alpha1",
    kind: "ModelVersion",
    metadata: { name, namespace, uid: `uid-${name}`, generation: 1 },
    spec: {
      model: "arxiv-classifier",
      version: name.replace(/^.*-(v[0-9]+)$/, "$1"),
      runtime: "encoder",
      format: llm ? "gguf" : "onnx",
      artifact: { uri: `s3://models/${name}/`, digest: DIGEST },
      labels: ["cs.AI", "cs.CL"],
      stage: "staging",
      ...change,
    },
  };
}

/** A version as the ModelVersion controller reports it when its pods are ready. */
export function readyStatus(name: string, namespace: string, ready = true): ModelVersionStatus {
  const condition = (type: string, status: "True" | "False", reason: string) => ({
    type,
    status,
    reason,
    message: `${type} ${status}`,
    lastTransitionTime: "2026-01-01T00:00:00Z",
    observedGeneration: 1,
  });
  return {
    observedGeneration: 1,
    conditions: [
      condition("ArtifactVerified", "True", "Verified"),
      condition("Ready", ready ? "True" : "False", ready ? "ReplicasReady" : "ReplicasNotReady"),
    ],
    endpoint: `http://${name}-serving.${namespace}.svc:8080`,
    replicas: 1,
    readyReplicas: ready ? 1 : 0,
  };
}

export function makeRoute(
  name: string,
  namespace: string,
  change: Partial<InferenceRouteSpec> = {},
): InferenceRoute {
  return {
    apiVersion: "kubetune.io/v1alpha1",
    kind: "InferenceRoute",
    metadata: { name, namespace, uid: `uid-${name}`, generation: 1 },
    spec: {
      model: "arxiv-classifier",
      variants: [
        { name: "stable", modelVersion: "arxiv-v3", weight: 90 },
        { name: "candidate", modelVersion: "arxiv-v4", weight: 10 },
      ],
      ...change,
    },
  };
}

/** The object without what the API server assigns, for creating it on a real cluster. */
export function forCreate<T extends { metadata: { uid?: string; generation?: number } }>(
  object: T,
): T {
  const { uid: _uid, generation: _generation, ...metadata } = object.metadata;
  return Object.assign({}, object, { metadata });
}
