// The GPU node pools the operator may place training runs on. Cluster configuration,
// not a custom resource: Helm values render it into the operator's ConfigMap.
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import type { JsonSchema } from "../common/define-crd.js";
import { toPlainSchema } from "../common/define-crd.js";
import {
  BoundedString,
  Decimal,
  Enum,
  Int32,
  List,
  ObjectName,
  StringMap,
  Struct,
} from "../common/schema.js";

const Toleration = Struct(
  {
    key: Type.Optional(BoundedString(316, { description: "Taint key the toleration matches." })),
    operator: Type.Optional(
      Enum(["Exists", "Equal"], { description: "How the value is compared.", default: "Equal" }),
    ),
    value: Type.Optional(
      BoundedString(63, { description: "Taint value for operator Equal.", minLength: 0 }),
    ),
    effect: Type.Optional(
      Enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
        description: "Taint effect matched; unset matches all.",
      }),
    ),
  },
  { description: "A core/v1 toleration." },
);

export const GpuPool = Struct(
  {
    name: ObjectName({ description: "Pool name users put in spec.resources.gpu.type, e.g. t4." }),
    gpuType: BoundedString(64, {
      description: "GPU model as feature discovery labels it, e.g. Tesla-T4.",
    }),
    gpuMemoryGiB: Int32({ description: "Memory of one GPU.", minimum: 1, maximum: 4096 }),
    bf16: Type.Boolean({
      description: "Whether the GPU computes in bfloat16; pools without it train in fp16.",
    }),
    nodeSelector: StringMap({
      description: "Labels that select the pool's nodes.",
      maxProperties: 16,
      valueMaxLength: 63,
    }),
    tolerations: Type.Optional(
      List(Toleration, {
        description: "Tolerations for the pool's taints.",
        maxItems: 16,
        listType: "atomic",
      }),
    ),
    pricePerHour: Decimal({
      description: "Price of one GPU-hour; auto placement prefers the cheapest pool that fits.",
    }),
  },
  { description: "One GPU node pool." },
);

export const GpuPoolConfig = Struct(
  {
    pools: List(GpuPool, {
      description: "The pools, any order.",
      minItems: 1,
      maxItems: 64,
      listType: "map",
      mapKeys: ["name"],
    }),
  },
  { description: "GPU node pools available for training." },
);

export type GpuPool = Static<typeof GpuPool>;
export type GpuPoolConfig = Static<typeof GpuPoolConfig>;

export const gpuPoolConfigSchema: JsonSchema = toPlainSchema(GpuPoolConfig, "gpuPools");

/** The ConfigMap the operator reads its GPU pools from, and the key holding them. */
export const GPU_POOLS_CONFIGMAP = { name: "kubetune-gpu-pools", key: "pools.yaml" } as const;
