// The contract between the operator and the trainer it schedules (services/trainer):
// what the training pod is given, how it reports progress while it runs, and what it
// reports when it ends. Both sides import these; neither reads the other's internals.
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import { toPlainSchema } from "../common/define-crd.js";
import {
  BoundedString,
  Decimal,
  Digest,
  Enum,
  Int64,
  StringMap,
  Struct,
  Timestamp,
  Uri,
} from "../common/schema.js";
import { FineTuneJobSpec } from "../finetunejob/v1alpha1/spec.js";

/** Where the operator mounts the trainer's input, and the environment that points at it. */
export const TRAINER_INPUT_PATH = "/etc/kubetune/finetunejob.json";
export const TRAINER_ENV = {
  input: "KUBETUNE_TRAINER_INPUT",
  progressConfigMap: "KUBETUNE_PROGRESS_CONFIGMAP",
  namespace: "KUBETUNE_NAMESPACE",
  /** The local folder an s3:// run writes to before it uploads (an emptyDir in the pod). */
  scratchDir: "KUBETUNE_SCRATCH_DIR",
} as const;
/** Where the operator mounts the scratch emptyDir for s3:// outputs. */
export const TRAINER_SCRATCH_PATH = "/var/lib/kubetune/scratch";
/**
 * Where the operator mounts the claim of a pvc://<claim>/<path> location: at
 * <root>/<claim>, where the trainer (KUBETUNE_PVC_ROOT, same default) looks for it.
 */
export const TRAINER_PVC_ROOT = "/mnt/pvc";
/**
 * The key the trainer patches, while it runs, in the ConfigMap named by
 * KUBETUNE_PROGRESS_CONFIGMAP (the run's one ConfigMap, which also holds its input).
 */
export const PROGRESS_KEY = "progress.json";

/**
 * Exit codes the trainer ends with when it fails for a known reason, and the
 * FineTuneJob reason each becomes. 1 (or any other code) is an unexpected error.
 */
export const TRAINER_EXIT_REASONS = {
  2: "InvalidInput",
  3: "InvalidDataset",
  4: "BaseModelUnavailable",
  5: "UnsupportedDevice",
  6: "GPUOutOfMemory",
  7: "ExportFailed",
  8: "ObjectStoreError",
} as const;

/**
 * Exit codes a retry cannot fix: the Job fails at once instead of using its backoff.
 * 8 (the object store refused or could not be reached) is retried: an endpoint outage
 * passes, and a retried pod resumes from the checkpoints mirrored under the output.
 */
export const TRAINER_FATAL_EXIT_CODES = [2, 3, 4, 5] as const;

export const TrainerInput = Struct(
  {
    fineTuneJob: BoundedString(253, { description: "Name of the FineTuneJob." }),
    version: BoundedString(63, { description: "Version the result will be registered as." }),
    computeDtype: Enum(["bf16", "fp16", "fp32"], {
      description: "Compute dtype chosen for the GPU.",
    }),
    spec: FineTuneJobSpec,
  },
  { description: "The resolved FineTuneJob the trainer runs, defaults applied." },
);

export const TrainerProgress = Struct(
  {
    step: Int64({ description: "Optimizer steps done.", minimum: 0 }),
    totalSteps: Int64({ description: "Optimizer steps planned.", minimum: 0 }),
    epoch: Type.Optional(Decimal({ description: "Fractional epoch reached." })),
    loss: Type.Optional(Decimal({ description: "Latest training loss." })),
    learningRate: Type.Optional(Decimal({ description: "Learning rate of the latest step." })),
    time: Timestamp({ description: "When the trainer wrote this report." }),
  },
  { description: "Progress the trainer writes to its run's ConfigMap (PROGRESS_KEY)." },
);

export const TrainerResult = Struct(
  {
    artifact: Struct(
      {
        uri: Uri({
          description: "Where the artifact was written (file://, or s3:// once uploaded).",
        }),
        digest: Type.Optional(Digest({ description: "sha256 of the artifact." })),
      },
      { description: "The produced artifact." },
    ),
    adapter: Type.Optional(
      Struct(
        {
          uri: Uri({ description: "Where the LoRA adapter was written." }),
          digest: Type.Optional(Digest({ description: "sha256 of the adapter." })),
        },
        { description: "The LoRA adapter, when exported separately from the base." },
      ),
    ),
    metrics: Type.Optional(
      StringMap({
        description: "Evaluation metrics by name.",
        maxProperties: 64,
        valueMaxLength: 32,
      }),
    ),
  },
  { description: "What the trainer writes to its termination message when it succeeds." },
);

export type TrainerInput = Static<typeof TrainerInput>;
export type TrainerProgress = Static<typeof TrainerProgress>;
export type TrainerResult = Static<typeof TrainerResult>;

export const trainerProgressSchema = toPlainSchema(TrainerProgress, "progress");
export const trainerResultSchema = toPlainSchema(TrainerResult, "result");
