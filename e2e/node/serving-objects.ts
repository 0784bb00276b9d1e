// The ModelVersions and InferenceRoutes the operator e2e suite applies: encoder versions
// of the project's model and an LLM version of the project's tiny GGUF, fetched by the
// serving pods from the harness artifact server, with resources small enough that every
// pod of the suite fits the real node's two cores.
import type { InferenceRoute, InferenceRouteSpec, ModelVersion } from "@kubetune/api";
import type { ModelVersionSpec } from "@kubetune/api";

export const MODEL = "arxiv-classifier";
export const LABELS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "math.ST", "stat.ML"];

export interface Artifact {
  url: string;
  digest: string;
}

/** Requests that let the suite's nine or so pods share two cores; limits keep memory bounded. */
const SMALL = {
  encoder: { requests: { cpu: "50m", memory: "96Mi" }, limits: { memory: "768Mi" } },
  llm: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "2Gi" } },
};

function modelVersion(name: string, spec: ModelVersionSpec): ModelVersion {
  return {
    apiVersion: "kubetune.io/v1alpha1",
    kind: "ModelVersion",
    metadata: { name },
    spec,
  };
}

export function encoderVersion(
  name: string,
  artifact: Artifact,
  change: Partial<ModelVersionSpec> = {},
): ModelVersion {
  return modelVersion(name, {
    model: MODEL,
    version: name,
    runtime: "encoder",
    format: "onnx",
    artifact: { uri: artifact.url, digest: artifact.digest },
    labels: LABELS,
    stage: "staging",
    serving: { replicas: 1, threads: 1, resources: SMALL.encoder },
    ...change,
  });
}

export function llmVersion(name: string, artifact: Artifact): ModelVersion {
  return modelVersion(name, {
    model: `${MODEL}-llm`,
    version: name,
    runtime: "llm",
    format: "gguf",
    artifact: { uri: artifact.url, digest: artifact.digest },
    labels: LABELS.filter((label) => label !== "math.ST"),
    stage: "staging",
    serving: { replicas: 1, threads: 1, resources: SMALL.llm },
  });
}

type Variants = InferenceRouteSpec["variants"];

/** The suite's usual split: variant stable on arxiv-v1, candidate on another version. */
export function abVariants(candidate: string, stableWeight: number): Variants {
  return [
    { name: "stable", modelVersion: "arxiv-v1", weight: stableWeight },
    { name: "candidate", modelVersion: candidate, weight: 100 - stableWeight },
  ];
}

export function route(name: string, spec: Omit<InferenceRouteSpec, "model">): InferenceRoute {
  return {
    apiVersion: "kubetune.io/v1alpha1",
    kind: "InferenceRoute",
    metadata: { name },
    spec: { model: MODEL, ...spec },
  };
}
