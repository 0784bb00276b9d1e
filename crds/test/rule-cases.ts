// Manifests that break one rule each, with the message that must name the field and the
// rule. Shared by the validator's unit tests and the API-server integration tests, which
// prove the two agree.
import type { ContractKind, Malleable } from "./manifests.js";

export interface RejectRow {
  name: string;
  kind: ContractKind;
  change: (manifest: Malleable) => void;
  wantMessage: string;
  /** Where kube-apiserver words the same rejection differently from our validator. */
  apiServerMessage?: string;
}

/** Each breaks one rule of a contract manifest. */
export const rejected: RejectRow[] = [
  // The issue's own examples of bad input.
  {
    name: "variant weights summing to 95",
    kind: "InferenceRoute",
    change: (m) => (m.spec.variants[1].weight = 5),
    wantMessage: 'spec.variants: Invalid value: "object": variant weights must sum to 100',
  },
  {
    name: "a negative LoRA rank",
    kind: "FineTuneJob",
    change: (m) => (m.spec.lora.r = -8),
    wantMessage:
      "spec.lora.r: Invalid value: -8: spec.lora.r in body should be greater than or equal to 1",
  },
  {
    name: "an unknown output format",
    kind: "FineTuneJob",
    change: (m) => (m.spec.output.format = "pickle"),
    wantMessage:
      'spec.output.format: Unsupported value: "pickle": supported values: "gguf", "onnx", "safetensors"',
  },
  {
    name: "a 300-character name",
    kind: "ModelVersion",
    change: (m) => (m.metadata.name = "a".repeat(300)),
    wantMessage: "metadata.name: Too long: may not be more than 52 bytes",
  },
  {
    name: "a route name starting with a digit (its Service's name would be invalid)",
    kind: "InferenceRoute",
    change: (m) => (m.metadata.name = "9-arxiv"),
    wantMessage: 'metadata.name: Invalid value: "9-arxiv"',
  },
  {
    name: "a credentials Secret name with capitals",
    kind: "FineTuneJob",
    change: (m) => (m.spec.output.credentialsSecret = "Model-Store"),
    wantMessage: 'spec.output.credentialsSecret: Invalid value: "Model-Store"',
  },
  {
    name: 'a learning rate of "fast"',
    kind: "FineTuneJob",
    change: (m) => (m.spec.hyperparameters.learningRate = "fast"),
    wantMessage: 'spec.hyperparameters.learningRate: Invalid value: "fast"',
  },
  // CEL rules.
  {
    name: "quantization with method lora",
    kind: "FineTuneJob",
    change: (m) => (m.spec.method = "lora"),
    wantMessage:
      'spec.quantization: Invalid value: "object": quantization is only valid with method qlora',
  },
  {
    name: "lora settings with method full",
    kind: "FineTuneJob",
    change: (m) => {
      m.spec.method = "full";
      delete m.spec.quantization;
    },
    wantMessage: 'spec.lora: Invalid value: "object": lora settings are not valid with method full',
  },
  {
    name: "a text-label dataset for a causal LM",
    kind: "FineTuneJob",
    change: (m) => (m.spec.dataset.format = "text-label"),
    wantMessage:
      'spec.dataset.format: Invalid value: "object": dataset format text-label is used with task sequence-classification',
  },
  {
    name: "a GGUF output for sequence classification",
    kind: "FineTuneJob",
    change: (m) => {
      m.spec.task = "sequence-classification";
      m.spec.dataset.format = "text-label";
    },
    wantMessage:
      'spec.output.format: Invalid value: "object": output format must be onnx or safetensors for sequence-classification',
  },
  {
    name: "two variants with the same name",
    kind: "InferenceRoute",
    change: (m) => (m.spec.variants[1].name = "stable"),
    wantMessage: 'spec.variants[1]: Duplicate value: {"name":"stable"}',
  },
  {
    name: "a mirror to an unknown variant",
    kind: "InferenceRoute",
    change: (m) => (m.spec.mirror = { variant: "shadow", percent: 10 }),
    wantMessage:
      'spec.mirror.variant: Invalid value: "object": mirror.variant must name one of the variants',
  },
  {
    name: "an override to an unknown variant",
    kind: "InferenceRoute",
    change: (m) =>
      (m.spec.overrides = { header: "x-canary", values: [{ value: "yes", variant: "beta" }] }),
    wantMessage:
      'spec.overrides.values: Invalid value: "object": every override must name one of the variants',
  },
  {
    name: "a cascade that escalates to a variant's own encoder",
    kind: "InferenceRoute",
    change: (m) => (m.spec.cascade.escalateTo = "arxiv-distilbert-v4"),
    wantMessage:
      'spec.cascade.escalateTo: Invalid value: "object": cascade.escalateTo must name the LLM ModelVersion',
  },
  {
    name: "a rollout of an unknown candidate",
    kind: "InferenceRoute",
    change: (m) => (m.spec.rollout = { candidate: "v5", steps: [{ weight: 50 }] }),
    wantMessage:
      'spec.rollout.candidate: Invalid value: "object": rollout.candidate must name one of the variants',
  },
  {
    name: "a rollout with no stable variant",
    kind: "InferenceRoute",
    change: (m) => {
      m.spec.variants = [{ name: "candidate", modelVersion: "arxiv-distilbert-v4", weight: 100 }];
      m.spec.rollout = { candidate: "candidate", steps: [{ weight: 100 }] };
    },
    wantMessage:
      'spec.rollout: Invalid value: "object": a rollout needs a stable variant beside the candidate',
  },
  {
    name: "an encoder runtime serving a GGUF file",
    kind: "ModelVersion",
    change: (m) => (m.spec.format = "gguf"),
    wantMessage:
      'spec.format: Invalid value: "object": runtime encoder serves format onnx and runtime llm serves format gguf',
  },
  {
    name: "an adapter on an encoder",
    kind: "ModelVersion",
    change: (m) => (m.spec.adapter = { uri: "s3://models/adapter.gguf" }),
    wantMessage: 'spec.adapter: Invalid value: "object": adapters are only valid with runtime llm',
  },
  {
    name: "a threshold on a single-label model",
    kind: "ModelVersion",
    change: (m) => {
      m.spec.problemType = "single-label";
      m.spec.threshold = "0.4";
    },
    wantMessage:
      'spec.threshold: Invalid value: "object": threshold is only valid with problemType multi-label',
  },
  // Structural rules.
  {
    name: "an unknown field",
    kind: "FineTuneJob",
    change: (m) => (m.spec.hyperparameters.learning_rate = "2e-4"),
    wantMessage: 'unknown field "spec.hyperparameters.learning_rate"',
  },
  {
    name: "a missing required field",
    kind: "ModelVersion",
    change: (m) => delete m.spec.artifact,
    wantMessage: "spec.artifact: Required value",
  },
  {
    name: "a weight given as a string",
    kind: "InferenceRoute",
    change: (m) => (m.spec.variants[0].weight = "90"),
    wantMessage:
      'spec.variants[0].weight: Invalid value: "string": spec.variants[0].weight in body must be of type integer: "string"',
  },
  {
    name: "a weight above 100",
    kind: "InferenceRoute",
    change: (m) => (m.spec.variants[0].weight = 190),
    wantMessage:
      "spec.variants[0].weight: Invalid value: 190: spec.variants[0].weight in body should be less than or equal to 100",
  },
  {
    name: "a confidence threshold above 1",
    kind: "InferenceRoute",
    change: (m) => (m.spec.cascade.confidenceThreshold = "1.5"),
    wantMessage: 'spec.cascade.confidenceThreshold: Invalid value: "1.5"',
  },
  {
    name: "a window overlap of a whole window",
    kind: "ModelVersion",
    change: (m) => (m.spec.chunking.overlap = "1"),
    wantMessage: 'spec.chunking.overlap: Invalid value: "1"',
  },
  {
    name: "a digest that is not sha256",
    kind: "ModelVersion",
    change: (m) => (m.spec.artifact.digest = "md5:abc"),
    wantMessage: 'spec.artifact.digest: Invalid value: "md5:abc"',
  },
  {
    name: "a repeated label",
    kind: "ModelVersion",
    change: (m) => m.spec.labels.push("cs.AI"),
    wantMessage: 'spec.labels[6]: Duplicate value: "cs.AI"',
  },
  {
    name: "more GPUs than a node has",
    kind: "FineTuneJob",
    change: (m) => (m.spec.resources.gpu.count = 16),
    wantMessage: "spec.resources.gpu.count: Invalid value: 16",
  },
  {
    name: "a name with capitals",
    kind: "InferenceRoute",
    change: (m) => (m.metadata.name = "Arxiv"),
    wantMessage: 'metadata.name: Invalid value: "Arxiv"',
  },
  {
    name: "no spec",
    kind: "InferenceRoute",
    change: (m) => delete m.spec,
    wantMessage: "spec: Required value",
  },
];

/** Updates that change an immutable field: rejected on update, accepted on create. */
export const immutableUpdates: RejectRow[] = [
  {
    name: "the base model",
    kind: "FineTuneJob",
    change: (m) => (m.spec.baseModel.parameters = "70B"),
    wantMessage: 'spec.baseModel: Invalid value: "object": baseModel is immutable',
  },
  {
    name: "the dataset",
    kind: "FineTuneJob",
    change: (m) => (m.spec.dataset.uri = "s3://datasets/arxiv/v2.jsonl"),
    wantMessage: 'spec.dataset: Invalid value: "object": dataset is immutable',
  },
  {
    name: "the method",
    kind: "FineTuneJob",
    change: (m) => {
      m.spec.method = "lora";
      delete m.spec.quantization;
    },
    wantMessage: 'spec.method: Invalid value: "string": method is immutable',
  },
  {
    name: "a version's artifact",
    kind: "ModelVersion",
    change: (m) => (m.spec.artifact.uri = "s3://models/other/"),
    wantMessage: 'spec.artifact: Invalid value: "object": artifact is immutable',
  },
];
