// Observed state of a ModelVersion, written only by the operator.
import { Type } from "@sinclair/typebox";
import { BoundedString, Enum, Int32, List, Struct, Timestamp } from "../../common/schema.js";
import { statusBase } from "../../common/condition.js";
import { STAGES } from "./spec.js";

const StageChange = Struct(
  {
    stage: Enum(STAGES, { description: "Stage entered." }),
    time: Timestamp({ description: "When the stage was entered." }),
    by: Type.Optional(BoundedString(256, { description: "Who or what changed the stage." })),
  },
  { description: "One stage transition." },
);

export const ModelVersionStatus = Struct(
  {
    ...statusBase(),
    endpoint: Type.Optional(
      BoundedString(512, { description: "In-cluster URL of the serving Service." }),
    ),
    replicas: Type.Optional(
      Int32({ description: "Serving pods desired.", minimum: 0, maximum: 100 }),
    ),
    readyReplicas: Type.Optional(
      Int32({ description: "Serving pods ready.", minimum: 0, maximum: 100 }),
    ),
    stageHistory: Type.Optional(
      List(StageChange, {
        description: "Stage transitions, oldest first.",
        maxItems: 32,
        listType: "atomic",
      }),
    ),
  },
  { description: "Observed state of the version." },
);
