// Observed state of a InferenceRoute, written only by the operator.
import { Type } from "@sinclair/typebox";
import {
  BoundedString,
  Decimal,
  Int32,
  Int64,
  List,
  ObjectName,
  Struct,
  Timestamp,
} from "../../common/schema.js";
import { statusBase } from "../../common/condition.js";
import { Weight } from "./spec.js";
const VariantStatus = Struct(
  {
    name: ObjectName({ description: "Variant name." }),
    modelVersion: Type.Optional(ObjectName({ description: "ModelVersion serving it." })),
    weight: Type.Optional(Weight("Weight in force in the router.")),
    desiredWeight: Type.Optional(Weight("Weight the spec or rollout step asks for.")),
    readyReplicas: Type.Optional(
      Int32({ description: "Ready serving pods.", minimum: 0, maximum: 100 }),
    ),
    endpoint: Type.Optional(BoundedString(512, { description: "Endpoint traffic is sent to." })),
  },
  { description: "Applied state of one variant." },
);

const Analysis = Struct(
  {
    time: Timestamp({ description: "When the analysis ran." }),
    passed: Type.Boolean({ description: "Whether every threshold held." }),
    errorRate: Type.Optional(Decimal({ description: "Measured candidate error rate." })),
    p99LatencySeconds: Type.Optional(Decimal({ description: "Measured candidate p99 latency." })),
    escalationRate: Type.Optional(Decimal({ description: "Measured candidate escalation rate." })),
    message: Type.Optional(
      BoundedString(1024, { description: "What was measured against what.", minLength: 0 }),
    ),
  },
  { description: "Result of one analysis." },
);

export const InferenceRouteStatus = Struct(
  {
    ...statusBase(),
    variants: Type.Optional(
      List(VariantStatus, {
        description: "Applied state per variant.",
        maxItems: 16,
        listType: "map",
        mapKeys: ["name"],
      }),
    ),
    cascade: Type.Optional(
      Struct(
        {
          modelVersion: ObjectName({ description: "The LLM ModelVersion documents escalate to." }),
          readyReplicas: Type.Optional(
            Int32({ description: "Ready serving pods.", minimum: 0, maximum: 100 }),
          ),
          endpoint: Type.Optional(
            BoundedString(512, { description: "Endpoint escalations are sent to." }),
          ),
        },
        { description: "Applied state of the cascade's LLM backend." },
      ),
    ),
    tableGeneration: Type.Optional(
      Int64({ description: "Routing-table generation the router reported applied.", minimum: 0 }),
    ),
    url: Type.Optional(BoundedString(512, { description: "In-cluster URL of the route." })),
    rollout: Type.Optional(
      Struct(
        {
          id: Type.Optional(
            BoundedString(64, {
              description:
                "Which rollout this is: a hash of the candidate, its ModelVersion, the steps and the restart annotation.",
            }),
          ),
          step: Type.Optional(
            Int32({ description: "Index of the current step.", minimum: 0, maximum: 32 }),
          ),
          stepStartTime: Type.Optional(Timestamp({ description: "When the current step began." })),
          lastAnalysis: Type.Optional(Analysis),
        },
        {
          description: "Progress of the rollout; kept in status so it survives operator restarts.",
        },
      ),
    ),
  },
  { description: "Observed state of the route." },
);
