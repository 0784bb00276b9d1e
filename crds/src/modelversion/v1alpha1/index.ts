// ModelVersion in kubetune.io/v1alpha1: its types, condition vocabulary and CRD.
import type { Static } from "@sinclair/typebox";
import { AGE_COLUMN, defineCrd, readyColumn, reasonColumn } from "../../common/define-crd.js";
import type { KubeObject } from "../../common/kube-object.js";
import { ModelVersionSpec, STAGES } from "./spec.js";
import { ModelVersionStatus } from "./status.js";

export { ModelVersionSpec, ModelVersionStatus, STAGES };
export type ModelVersionSpec = Static<typeof ModelVersionSpec>;
export type ModelVersionStatus = Static<typeof ModelVersionStatus>;
export type ModelVersion = KubeObject<"ModelVersion", ModelVersionSpec, ModelVersionStatus>;
export type Stage = (typeof STAGES)[number];

export const ModelVersionConditions = {
  Ready: "Ready",
  ArtifactVerified: "ArtifactVerified",
} as const;

export const ModelVersionReasons = {
  ArtifactUnreachable: "ArtifactUnreachable",
  DigestMismatch: "DigestMismatch",
  NotReferenced: "NotReferenced",
  Verified: "Verified",
  Fetching: "Fetching",
  ReplicasReady: "ReplicasReady",
  ReplicasNotReady: "ReplicasNotReady",
  ScaledToZero: "ScaledToZero",
} as const;

export const modelVersionCrd = defineCrd({
  kind: "ModelVersion",
  plural: "modelversions",
  singular: "modelversion",
  shortNames: ["mv"],
  description:
    "ModelVersion registers one immutable model artifact (an ONNX encoder or a GGUF LLM, optionally with a LoRA adapter) as a version of a model, with its lineage, metrics and stage; it is served while an InferenceRoute uses it.",
  nameMaxLength: 52,
  nameIsServiceName: true,
  versions: [
    {
      name: "v1alpha1",
      spec: ModelVersionSpec,
      status: ModelVersionStatus,
      printerColumns: [
        { name: "Model", type: "string", jsonPath: ".spec.model", description: "Logical model." },
        {
          name: "Version",
          type: "string",
          jsonPath: ".spec.version",
          description: "Version label.",
        },
        {
          name: "Runtime",
          type: "string",
          jsonPath: ".spec.runtime",
          description: "Serving runtime.",
        },
        { name: "Stage", type: "string", jsonPath: ".spec.stage", description: "Registry stage." },
        readyColumn("Whether the version is served and ready."),
        reasonColumn(1),
        {
          name: "Endpoint",
          type: "string",
          jsonPath: ".status.endpoint",
          description: "Serving endpoint.",
          priority: 1,
        },
        AGE_COLUMN,
      ],
    },
  ],
});
