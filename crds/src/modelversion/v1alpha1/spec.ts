// ModelVersion: "this artifact is version v4 of model arxiv-classifier, in stage staging".
import { Type } from "@sinclair/typebox";
import {
  BoundedString,
  Decimal,
  Digest,
  Enum,
  Fraction,
  FractionBelowOne,
  Int32,
  Int64,
  List,
  ObjectName,
  Quantity,
  StringMap,
  Struct,
  Uri,
  immutable,
} from "../../common/schema.js";

export const STAGES = ["candidate", "staging", "production", "archived"] as const;

const Artifact = Struct(
  {
    uri: Uri({ description: "Location of the model folder (ONNX) or file (GGUF)." }),
    digest: Type.Optional(Digest({ description: "sha256 the fetched artifact must match." })),
  },
  {
    description: "The model artifact. Immutable: a version's bytes never change.",
    "x-kubernetes-validations": immutable("artifact"),
  },
);

const Adapter = Struct(
  {
    uri: Uri({ description: "Location of the GGUF LoRA adapter." }),
    digest: Type.Optional(Digest({ description: "sha256 the fetched adapter must match." })),
    scale: Type.Optional(Decimal({ description: 'Adapter scale, e.g. "1.0".', default: "1.0" })),
  },
  {
    description: "LoRA adapter applied on the GGUF base (runtime llm only). Immutable.",
    "x-kubernetes-validations": immutable("adapter"),
  },
);

const Chunking = Struct(
  {
    windowTokens: Type.Optional(
      Int32({
        description: "Tokens per window, special tokens included.",
        minimum: 16,
        maximum: 8192,
        default: 512,
      }),
    ),
    overlap: Type.Optional(
      FractionBelowOne({ description: "Share of a window repeated in the next.", default: "0.25" }),
    ),
    aggregation: Type.Optional(
      Enum(["vote", "mean"], {
        description:
          "vote: majority of window top labels (ties by mean probability); mean: mean probabilities.",
        default: "vote",
      }),
    ),
  },
  { description: "How long documents are split into overlapping windows and recombined." },
);

const OutputField = Struct(
  {
    name: BoundedString(64, {
      description: "Field name in the rebuilt JSON.",
      pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
    }),
    type: Enum(["string", "integer", "number", "boolean"], { description: "Value type." }),
    description: Type.Optional(
      BoundedString(512, { description: "What the model is asked to put in the field." }),
    ),
  },
  { description: "One field of a structured LLM answer." },
);

const LlmOutput = Struct(
  {
    format: Type.Optional(
      Enum(["headless", "json"], {
        description:
          "headless: values joined by the delimiter in field order, rebuilt into JSON by the service (fewer tokens); json: JSON constrained by a grammar.",
        default: "headless",
      }),
    ),
    delimiter: Type.Optional(
      BoundedString(8, { description: "Separator of headless values.", default: "|||" }),
    ),
    fields: Type.Optional(
      List(OutputField, {
        description: "Fields of a structured answer, in order.",
        maxItems: 32,
        listType: "map",
        mapKeys: ["name"],
      }),
    ),
  },
  { description: "Shape of structured LLM answers (runtime llm only)." },
);

const Serving = Struct(
  {
    replicas: Type.Optional(
      Int32({ description: "Serving pods.", minimum: 0, maximum: 100, default: 1 }),
    ),
    resources: Type.Optional(
      Struct(
        {
          requests: Type.Optional(resourceList("Resources the serving pod is guaranteed.")),
          limits: Type.Optional(resourceList("Most resources the serving pod may use.")),
        },
        { description: "Compute resources of the serving container." },
      ),
    ),
    threads: Type.Optional(
      Int32({ description: "Inference threads per pod.", minimum: 1, maximum: 64 }),
    ),
    maxBatchSize: Type.Optional(
      Int32({
        description: "Largest micro-batch of windows or sequences.",
        minimum: 1,
        maximum: 256,
      }),
    ),
  },
  { description: "How the version is served while a route uses it." },
);

function resourceList(description: string) {
  return Type.Unsafe<Record<string, string | number>>({
    type: "object",
    description,
    maxProperties: 8,
    additionalProperties: Quantity({ description: "A resource quantity, e.g. 500m or 2Gi." }),
  });
}

const Source = Struct(
  {
    fineTuneJob: Type.Optional(
      ObjectName({ description: "FineTuneJob that produced the artifact." }),
    ),
    baseModel: Type.Optional(
      BoundedString(256, { description: "Base model that was fine-tuned." }),
    ),
    dataset: Type.Optional(
      Struct(
        {
          uri: Uri({ description: "Training data location." }),
          digest: Type.Optional(Digest({ description: "Training data digest." })),
        },
        { description: "Training data." },
      ),
    ),
    method: Type.Optional(Enum(["qlora", "lora", "full"], { description: "Fine-tuning method." })),
    hyperparameters: Type.Optional(
      StringMap({
        description: "Hyperparameters of the run, as strings.",
        maxProperties: 32,
        valueMaxLength: 256,
      }),
    ),
    gpuType: Type.Optional(BoundedString(64, { description: "GPU model the run used." })),
    gpuSeconds: Type.Optional(Int64({ description: "GPU-seconds the run used.", minimum: 0 })),
  },
  { description: "Lineage: how the artifact was made." },
);

export const ModelVersionSpec = Struct(
  {
    model: ObjectName({
      description: "Logical model this is a version of. Immutable.",
      "x-kubernetes-validations": immutable("model"),
    }),
    version: BoundedString(63, {
      description: "Version label, unique per model, e.g. v4. Immutable.",
      pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
      "x-kubernetes-validations": immutable("version"),
    }),
    runtime: Enum(["encoder", "llm"], {
      description:
        "encoder serves an ONNX classifier with onnxruntime; llm serves a GGUF model with llama.cpp. Immutable.",
      "x-kubernetes-validations": immutable("runtime"),
    }),
    format: Enum(["onnx", "gguf"], {
      description: "Artifact format. Immutable.",
      "x-kubernetes-validations": immutable("format"),
    }),
    artifact: Artifact,
    adapter: Type.Optional(Adapter),
    labels: Type.Optional(
      List(BoundedString(128, { description: "A class name.", pattern: "^[^\\s]+$" }), {
        description: "Class names in output order; they must match the model's outputs.",
        maxItems: 1000,
        listType: "set",
      }),
    ),
    problemType: Type.Optional(
      Enum(["single-label", "multi-label"], {
        description:
          "single-label: softmax, one label per document; multi-label: sigmoid, every label above the threshold.",
        default: "single-label",
      }),
    ),
    threshold: Type.Optional(
      Fraction({
        // No schema default: a default would be set on single-label versions too, which
        // the rule below forbids. Runtimes use 0.5 when a multi-label version omits it.
        description: "Score a label needs in multi-label classification; 0.5 when unset.",
      }),
    ),
    chunking: Type.Optional(Chunking),
    output: Type.Optional(LlmOutput),
    serving: Type.Optional(Serving),
    stage: Type.Optional(
      Enum(STAGES, { description: "Lifecycle stage in the registry.", default: "candidate" }),
    ),
    source: Type.Optional(Source),
    metrics: Type.Optional(
      StringMap({
        description:
          'Evaluation results by name, e.g. f1_micro: "0.91" (documented exception to no-maps).',
        maxProperties: 64,
        valueMaxLength: 32,
        valuePattern: "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$",
      }),
    ),
  },
  {
    description: "A versioned model artifact in the registry.",
    "x-kubernetes-validations": [
      {
        rule: "(self.runtime == 'encoder') == (self.format == 'onnx')",
        message: "runtime encoder serves format onnx and runtime llm serves format gguf",
        fieldPath: ".format",
      },
      {
        rule: "!has(self.adapter) || self.runtime == 'llm'",
        message: "adapters are only valid with runtime llm",
        fieldPath: ".adapter",
      },
      {
        rule: "!has(self.output) || self.runtime == 'llm'",
        message: "output is only valid with runtime llm",
        fieldPath: ".output",
      },
      {
        rule: "!has(self.threshold) || (has(self.problemType) && self.problemType == 'multi-label')",
        message: "threshold is only valid with problemType multi-label",
        fieldPath: ".threshold",
      },
    ],
  },
);
