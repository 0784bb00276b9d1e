// FineTuneJob in kubetune.io/v1alpha1: its types, condition vocabulary and CRD.
import type { Static } from "@sinclair/typebox";
import { AGE_COLUMN, defineCrd, readyColumn, reasonColumn } from "../../common/define-crd.js";
import type { KubeObject } from "../../common/kube-object.js";
import { FineTuneJobSpec } from "./spec.js";
import { FineTuneJobStatus } from "./status.js";

export { FineTuneJobSpec, FineTuneJobStatus };
export type FineTuneJobSpec = Static<typeof FineTuneJobSpec>;
export type FineTuneJobStatus = Static<typeof FineTuneJobStatus>;
export type FineTuneJob = KubeObject<"FineTuneJob", FineTuneJobSpec, FineTuneJobStatus>;

export const FineTuneJobConditions = {
  Ready: "Ready",
  Admitted: "Admitted",
  Scheduled: "Scheduled",
  Running: "Running",
  Succeeded: "Succeeded",
  Failed: "Failed",
} as const;

export const FineTuneJobReasons = {
  Placed: "Placed",
  InsufficientGPUMemory: "InsufficientGPUMemory",
  UnknownPool: "UnknownPool",
  PoolConfigInvalid: "PoolConfigInvalid",
  OutputCredentialsMissing: "OutputCredentialsMissing",
  Pending: "Pending",
  PodScheduled: "PodScheduled",
  InsufficientGPU: "InsufficientGPU",
  Training: "Training",
  ModelVersionCreated: "ModelVersionCreated",
  ModelVersionRefused: "ModelVersionRefused",
  ArtifactWritten: "ArtifactWritten",
  InvalidResult: "InvalidResult",
  GPUOutOfMemory: "GPUOutOfMemory",
  DeadlineExceeded: "DeadlineExceeded",
  BackoffLimitExceeded: "BackoffLimitExceeded",
  ImagePullFailure: "ImagePullFailure",
  ContainerConfigError: "ContainerConfigError",
  // The trainer's own failures, by exit code (contracts/trainer.ts TRAINER_EXIT_REASONS).
  InvalidInput: "InvalidInput",
  InvalidDataset: "InvalidDataset",
  BaseModelUnavailable: "BaseModelUnavailable",
  UnsupportedDevice: "UnsupportedDevice",
  ExportFailed: "ExportFailed",
  ObjectStoreError: "ObjectStoreError",
} as const;

export const fineTuneJobCrd = defineCrd({
  kind: "FineTuneJob",
  plural: "finetunejobs",
  singular: "finetunejob",
  shortNames: ["ftj"],
  description:
    "FineTuneJob fine-tunes a base model with LoRA or QLoRA on a GPU node pool that can hold the run, and registers the result as a ModelVersion.",
  nameMaxLength: 52,
  versions: [
    {
      name: "v1alpha1",
      spec: FineTuneJobSpec,
      status: FineTuneJobStatus,
      printerColumns: [
        {
          name: "Model",
          type: "string",
          jsonPath: ".spec.model",
          description: "Model the run produces a version of.",
        },
        {
          name: "Method",
          type: "string",
          jsonPath: ".spec.method",
          description: "Fine-tuning method.",
        },
        {
          name: "Pool",
          type: "string",
          jsonPath: ".status.placement.pool",
          description: "GPU pool the run was placed on.",
        },
        readyColumn("Whether the run succeeded."),
        reasonColumn(),
        {
          name: "Progress",
          type: "integer",
          jsonPath: ".status.progress.percent",
          description: "Percent of steps done.",
        },
        AGE_COLUMN,
      ],
    },
  ],
});
