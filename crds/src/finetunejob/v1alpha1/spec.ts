// FineTuneJob: "fine-tune this base model on this dataset with (Q)LoRA on a GPU pool".
import { Type } from "@sinclair/typebox";
import { Output } from "./output.js";
import {
  BoundedString,
  Decimal,
  Digest,
  Enum,
  Fraction,
  Int32,
  Int64,
  List,
  ObjectName,
  StringMap,
  Struct,
  Uri,
  immutable,
} from "../../common/schema.js";

const BaseModel = Struct(
  {
    name: BoundedString(256, {
      description: "Name of the base model, e.g. meta-llama/Meta-Llama-3-8B.",
      pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    }),
    uri: Uri({ description: "Where the trainer reads the base model weights from." }),
    parameters: Type.String({
      description:
        "Parameter count with a unit, e.g. 8B or 350M; used to estimate peak GPU memory.",
      maxLength: 16,
      pattern: "^[0-9]{1,4}(\\.[0-9]{1,3})?[MB]$",
    }),
  },
  {
    description: "The model to fine-tune. Immutable.",
    "x-kubernetes-validations": immutable("baseModel"),
  },
);

const Dataset = Struct(
  {
    uri: Uri({ description: "Location of the training data (JSON, JSONL or CSV)." }),
    format: Enum(["alpaca", "chatml", "qa", "text-label"], {
      description:
        "Row format: alpaca (instruction/input/output), chatml (messages), qa (question/answer) or text-label (classification).",
    }),
    validationSplit: Type.Optional(
      Fraction({
        description: 'Share of rows held out for evaluation, e.g. "0.1".',
        default: "0.1",
      }),
    ),
    digest: Type.Optional(
      Digest({ description: "Expected digest of the dataset file, recorded in lineage." }),
    ),
  },
  {
    description: "The training data. Immutable.",
    "x-kubernetes-validations": immutable("dataset"),
  },
);

const Lora = Struct(
  {
    r: Type.Optional(Int32({ description: "LoRA rank.", minimum: 1, maximum: 1024, default: 16 })),
    alpha: Type.Optional(
      Int32({
        description: "LoRA scaling numerator (lora_alpha).",
        minimum: 1,
        maximum: 4096,
        default: 32,
      }),
    ),
    dropout: Type.Optional(
      Fraction({ description: "Dropout on the LoRA layers.", default: "0.05" }),
    ),
    targetModules: Type.Optional(
      List(
        BoundedString(128, {
          description: "Module name or suffix, e.g. q_proj.",
          pattern: "^[A-Za-z0-9_.*-]+$",
        }),
        {
          description:
            "Modules that get adapters; empty means the trainer's default for the architecture.",
          maxItems: 64,
          listType: "set",
        },
      ),
    ),
  },
  { description: "LoRA adapter settings (methods lora and qlora)." },
);

const Quantization = Struct(
  {
    bits: Type.Optional(
      Type.Integer({ description: "Bits per base-model weight.", enum: [4, 8], default: 4 }),
    ),
    type: Type.Optional(
      Enum(["nf4", "fp4"], {
        description: "4-bit data type of the frozen base weights.",
        default: "nf4",
      }),
    ),
    doubleQuant: Type.Optional(
      Type.Boolean({ description: "Quantize the quantization constants too.", default: true }),
    ),
  },
  { description: "How the frozen base model is quantized (method qlora only)." },
);

const Hyperparameters = Struct(
  {
    epochs: Type.Optional(
      Int32({
        description: "Passes over the training data.",
        minimum: 1,
        maximum: 1000,
        default: 3,
      }),
    ),
    learningRate: Type.Optional(
      Decimal({ description: 'Peak learning rate, e.g. "2e-4".', default: "2e-4" }),
    ),
    batchSize: Type.Optional(
      Int32({
        description: "Sequences per device per step.",
        minimum: 1,
        maximum: 4096,
        default: 4,
      }),
    ),
    gradientAccumulationSteps: Type.Optional(
      Int32({
        description: "Micro-batches per optimizer step.",
        minimum: 1,
        maximum: 1024,
        default: 1,
      }),
    ),
    maxSeqLength: Type.Optional(
      Int32({
        description: "Longest tokenized sequence; longer rows are truncated.",
        minimum: 16,
        maximum: 131072,
        default: 512,
      }),
    ),
    gradientCheckpointing: Type.Optional(
      Type.Boolean({
        description: "Recompute activations in the backward pass to save memory.",
        default: true,
      }),
    ),
    optimizer: Type.Optional(
      Enum(["adamw", "adamw-8bit", "paged-adamw-8bit", "sgd"], {
        description: "Optimizer; unset means paged-adamw-8bit for qlora and adamw otherwise.",
      }),
    ),
    seed: Type.Optional(
      Int32({
        description: "Random seed for data order and initialisation.",
        minimum: 0,
        maximum: 2147483647,
      }),
    ),
    extra: Type.Optional(
      StringMap({
        description:
          "Further trainer arguments passed through verbatim (documented exception to no-maps).",
        maxProperties: 32,
        valueMaxLength: 256,
      }),
    ),
  },
  { description: "Training hyperparameters." },
);

const Gpu = Struct(
  {
    type: Type.Optional(
      Type.String({
        description:
          "auto, or the name of a configured GPU pool (t4, a10g in the default configuration).",
        maxLength: 63,
        pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        default: "auto",
      }),
    ),
    count: Type.Optional(
      Int32({ description: "GPUs for the training pod.", minimum: 1, maximum: 8, default: 1 }),
    ),
  },
  { description: "GPU request for the training pod." },
);

const Trainer = Struct(
  {
    image: Type.Optional(
      BoundedString(512, {
        description: "Trainer image override.",
        pattern: "^[a-z0-9][a-z0-9._/:@-]*$",
      }),
    ),
    podLabels: Type.Optional(
      StringMap({
        description: "Labels added to the training pod.",
        maxProperties: 32,
        valueMaxLength: 63,
      }),
    ),
    podAnnotations: Type.Optional(
      StringMap({
        description: "Annotations added to the training pod.",
        maxProperties: 32,
        valueMaxLength: 4096,
      }),
    ),
  },
  { description: "Overrides for the training pod." },
);

export const FineTuneJobSpec = Struct(
  {
    model: ObjectName({
      description:
        "Logical model this run produces a new version of (ModelVersion spec.model). Immutable.",
      "x-kubernetes-validations": immutable("model"),
    }),
    baseModel: BaseModel,
    task: Type.Optional(
      Enum(["causal-lm", "sequence-classification"], {
        description:
          "causal-lm trains an LLM; sequence-classification trains an encoder with a classification head. Immutable.",
        default: "causal-lm",
        "x-kubernetes-validations": immutable("task"),
      }),
    ),
    dataset: Dataset,
    method: Enum(["qlora", "lora", "full"], {
      description:
        "qlora (4-bit base + LoRA), lora (16-bit base + LoRA) or full fine-tuning. Immutable.",
      "x-kubernetes-validations": immutable("method"),
    }),
    lora: Type.Optional(Lora),
    quantization: Type.Optional(Quantization),
    hyperparameters: Type.Optional(Hyperparameters),
    resources: Type.Optional(
      Struct({ gpu: Type.Optional(Gpu) }, { description: "Compute for the training pod." }),
    ),
    output: Output,
    trainer: Type.Optional(Trainer),
    activeDeadlineSeconds: Type.Optional(
      Int64({ description: "Seconds the training Job may run before it is failed.", minimum: 60 }),
    ),
    backoffLimit: Type.Optional(
      Int32({
        description: "Pod retries before the run is failed.",
        minimum: 0,
        maximum: 10,
        default: 2,
      }),
    ),
  },
  {
    description: "The fine-tuning run a user asks for.",
    "x-kubernetes-validations": [
      {
        rule: "!has(self.quantization) || self.method == 'qlora'",
        message: "quantization is only valid with method qlora",
        fieldPath: ".quantization",
      },
      {
        rule: "!has(self.lora) || self.method != 'full'",
        message: "lora settings are not valid with method full",
        fieldPath: ".lora",
      },
      {
        rule: "(has(self.task) && self.task == 'sequence-classification') == (self.dataset.format == 'text-label')",
        message:
          "dataset format text-label is used with task sequence-classification, and only with it",
        fieldPath: ".dataset.format",
      },
      {
        rule: "has(self.task) && self.task == 'sequence-classification' ? self.output.format != 'gguf' : self.output.format != 'onnx'",
        message:
          "output format must be onnx or safetensors for sequence-classification, gguf or safetensors for causal-lm",
        fieldPath: ".output.format",
      },
    ],
  },
);
