// The ModelVersion a successful run registers: the artifact the trainer reported, with
// full lineage. It is owned by nobody, so it outlives the FineTuneJob that made it.
import type { FineTuneJob, GpuPool, ModelVersion, TrainerResult } from "@kubetune/api";
import { FINETUNEJOB_LABEL } from "./desired.js";

const MODEL_LABEL = "kubetune.io/model";

/** Only GGUF (llm runtime) and ONNX (encoder runtime) artifacts can be served. */
export function isServable(ftj: FineTuneJob): boolean {
  return ftj.spec.output.format !== "safetensors";
}

export function modelVersionName(ftj: FineTuneJob): string {
  return ftj.spec.output.modelVersionName ?? ftj.metadata.name;
}

export interface RegistrationInput {
  ftj: FineTuneJob;
  version: string;
  result: TrainerResult;
  pool: GpuPool | undefined;
  gpuSeconds: number | undefined;
}

export function desiredModelVersion(input: RegistrationInput): ModelVersion {
  const { ftj, result } = input;
  const llm = ftj.spec.output.format === "gguf";
  return {
    apiVersion: "kubetune.io/v1alpha1",
    kind: "ModelVersion",
    metadata: {
      name: modelVersionName(ftj),
      ...(ftj.metadata.namespace ? { namespace: ftj.metadata.namespace } : {}),
      labels: { [FINETUNEJOB_LABEL]: ftj.metadata.name, [MODEL_LABEL]: ftj.spec.model },
    },
    spec: {
      model: ftj.spec.model,
      version: input.version,
      runtime: llm ? "llm" : "encoder",
      format: llm ? "gguf" : "onnx",
      artifact: result.artifact,
      ...(result.adapter ? { adapter: result.adapter } : {}),
      stage: "candidate",
      source: lineage(input),
      ...(result.metrics ? { metrics: result.metrics } : {}),
    },
  };
}

/** The hyperparameters that shaped the run, as strings (the ModelVersion field is a string map). */
function hyperparameterStrings(spec: FineTuneJob["spec"]): Record<string, string> {
  const h = spec.hyperparameters ?? {};
  const lora = spec.lora ?? {};
  const values: Record<string, string | number | boolean | undefined> = {
    epochs: h.epochs,
    learningRate: h.learningRate,
    batchSize: h.batchSize,
    gradientAccumulationSteps: h.gradientAccumulationSteps,
    maxSeqLength: h.maxSeqLength,
    gradientCheckpointing: h.gradientCheckpointing,
    optimizer: h.optimizer,
    seed: h.seed,
    loraR: lora.r,
    loraAlpha: lora.alpha,
    loraDropout: lora.dropout,
    quantizationBits: spec.quantization?.bits,
  };
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) =>
      value === undefined ? [] : [[key, String(value)]],
    ),
  );
}

function lineage(input: RegistrationInput): NonNullable<ModelVersion["spec"]["source"]> {
  const { spec } = input.ftj;
  const hyperparameters = hyperparameterStrings(spec);
  return {
    fineTuneJob: input.ftj.metadata.name,
    baseModel: spec.baseModel.name,
    dataset: {
      uri: spec.dataset.uri,
      ...(spec.dataset.digest ? { digest: spec.dataset.digest } : {}),
    },
    method: spec.method,
    hyperparameters,
    ...(input.pool ? { gpuType: input.pool.gpuType } : {}),
    ...(input.gpuSeconds !== undefined ? { gpuSeconds: input.gpuSeconds } : {}),
  };
}
