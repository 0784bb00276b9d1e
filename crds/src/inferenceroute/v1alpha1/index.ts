// InferenceRoute in kubetune.io/v1alpha1: its types, condition vocabulary and CRD.
import type { Static } from "@sinclair/typebox";
import { AGE_COLUMN, defineCrd, readyColumn, reasonColumn } from "../../common/define-crd.js";
import type { KubeObject } from "../../common/kube-object.js";
import { InferenceRouteSpec } from "./spec.js";
import { InferenceRouteStatus } from "./status.js";

export { InferenceRouteSpec, InferenceRouteStatus };
export type InferenceRouteSpec = Static<typeof InferenceRouteSpec>;
export type InferenceRouteStatus = Static<typeof InferenceRouteStatus>;
export type InferenceRoute = KubeObject<"InferenceRoute", InferenceRouteSpec, InferenceRouteStatus>;

export const InferenceRouteConditions = {
  Ready: "Ready",
  BackendsReady: "BackendsReady",
  WeightsApplied: "WeightsApplied",
  Progressing: "Progressing",
} as const;

export const InferenceRouteReasons = {
  ModelVersionNotFound: "ModelVersionNotFound",
  ModelVersionArchived: "ModelVersionArchived",
  BackendNotReady: "BackendNotReady",
  RolledBack: "RolledBack",
  AllBackendsDown: "AllBackendsDown",
  BackendsReady: "BackendsReady",
  RouterUnreachable: "RouterUnreachable",
  TableNotApplied: "TableNotApplied",
  TableApplied: "TableApplied",
  GatewayAPIMissing: "GatewayAPIMissing",
  Paused: "Paused",
  Aborted: "Aborted",
  Completed: "Completed",
  StepAnalysing: "StepAnalysing",
  StepPaused: "StepPaused",
  AnalysisUnavailable: "AnalysisUnavailable",
} as const;

export const inferenceRouteCrd = defineCrd({
  kind: "InferenceRoute",
  plural: "inferenceroutes",
  singular: "inferenceroute",
  shortNames: ["ir"],
  description:
    "InferenceRoute splits a model's traffic between ModelVersions with weights, stickiness, overrides and mirroring, cascades low-confidence encoder answers to an LLM, and rolls candidates out step by step with automatic rollback.",
  nameMaxLength: 52,
  nameIsServiceName: true,
  versions: [
    {
      name: "v1alpha1",
      spec: InferenceRouteSpec,
      status: InferenceRouteStatus,
      printerColumns: [
        { name: "Model", type: "string", jsonPath: ".spec.model", description: "Logical model." },
        {
          name: "Variants",
          type: "string",
          jsonPath: ".status.variants[*].name",
          description: "Variants, in order.",
        },
        {
          name: "Weights",
          type: "string",
          jsonPath: ".status.variants[*].weight",
          description: "Applied weights, in variant order.",
        },
        readyColumn("Whether the route serves traffic as asked."),
        reasonColumn(),
        {
          name: "URL",
          type: "string",
          jsonPath: ".status.url",
          description: "In-cluster URL.",
          priority: 1,
        },
        AGE_COLUMN,
      ],
    },
  ],
});
