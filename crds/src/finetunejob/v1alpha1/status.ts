// Observed state of a FineTuneJob, written only by the operator.
import { Type } from "@sinclair/typebox";
import {
  BoundedString,
  Decimal,
  Enum,
  Int32,
  Int64,
  List,
  ObjectName,
  Struct,
  Timestamp,
} from "../../common/schema.js";
import { statusBase } from "../../common/condition.js";
const Placement = Struct(
  {
    pool: Type.Optional(ObjectName({ description: "GPU pool the run was placed on." })),
    gpuType: Type.Optional(
      BoundedString(64, { description: "GPU model of that pool, e.g. Tesla-T4." }),
    ),
    node: Type.Optional(BoundedString(253, { description: "Node the training pod runs on." })),
    estimatedMemoryGiB: Type.Optional(
      Decimal({ description: "Estimated peak GPU memory of the run per GPU." }),
    ),
    gpuMemoryGiB: Type.Optional(
      Int32({ description: "Memory of one GPU of the pool.", minimum: 0, maximum: 4096 }),
    ),
    computeDtype: Type.Optional(
      Enum(["bf16", "fp16", "fp32"], { description: "Compute dtype chosen for the pool." }),
    ),
    triedPools: Type.Optional(
      List(ObjectName({ description: "A pool name." }), {
        description:
          "Pools given up on because the training pod stayed unschedulable there (auto placement only).",
        maxItems: 16,
        listType: "set",
      }),
    ),
  },
  { description: "Where the run was placed and why it fits." },
);

const Progress = Struct(
  {
    step: Type.Optional(Int64({ description: "Optimizer steps done.", minimum: 0 })),
    totalSteps: Type.Optional(Int64({ description: "Optimizer steps planned.", minimum: 0 })),
    epoch: Type.Optional(Decimal({ description: "Fractional epoch reached." })),
    loss: Type.Optional(Decimal({ description: "Latest training loss." })),
    percent: Type.Optional(
      Int32({ description: "Share of steps done.", minimum: 0, maximum: 100 }),
    ),
    etaSeconds: Type.Optional(
      Int64({ description: "Estimated seconds to completion.", minimum: 0 }),
    ),
  },
  { description: "Training progress reported by the trainer." },
);

export const FineTuneJobStatus = Struct(
  {
    ...statusBase(),
    placement: Type.Optional(Placement),
    progress: Type.Optional(Progress),
    job: Type.Optional(ObjectName({ description: "Name of the training Job." })),
    version: Type.Optional(
      BoundedString(63, {
        description: "Version reserved for the result, chosen once.",
        pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
      }),
    ),
    modelVersion: Type.Optional(ObjectName({ description: "ModelVersion created on success." })),
    startTime: Type.Optional(Timestamp({ description: "When the training pod started." })),
    completionTime: Type.Optional(Timestamp({ description: "When the run finished." })),
    gpuSeconds: Type.Optional(
      Int64({ description: "GPU-seconds used (GPUs × wall time).", minimum: 0 }),
    ),
  },
  { description: "Observed state of the run." },
);
