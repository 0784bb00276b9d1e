// The metav1.Condition shape, so kubectl, kstatus and GitOps tools read our
// conditions the way they read those of built-in kinds.
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import { BoundedString, Enum, Int64, List, Struct, Timestamp } from "./schema.js";

export const ConditionStatus = { True: "True", False: "False", Unknown: "Unknown" } as const;

/** Condition messages are human sentences, cut to this length before they are written. */
export const CONDITION_MESSAGE_MAX_LENGTH = 1024;

export const Condition = Struct(
  {
    type: BoundedString(316, {
      description: "Type of condition in PascalCase, e.g. Ready.",
      pattern:
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
    }),
    status: Enum(["True", "False", "Unknown"], { description: "Status of the condition." }),
    observedGeneration: Type.Optional(
      Int64({ description: "The .metadata.generation the condition was set from.", minimum: 0 }),
    ),
    lastTransitionTime: Timestamp({
      description: "When the condition last changed from one status to another.",
    }),
    reason: BoundedString(1024, {
      description: "Machine-readable cause of the last transition, in PascalCase.",
      pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
    }),
    message: BoundedString(32768, {
      description: "Human-readable details about the last transition.",
      minLength: 0,
    }),
  },
  { description: "One aspect of the object's current state." },
);

export type Condition = Static<typeof Condition>;

export function Conditions() {
  return List(Condition, {
    description: "The latest observations of the object's state. Ready summarises the others.",
    maxItems: 16,
    listType: "map",
    mapKeys: ["type"],
  });
}

/** The fields every kubetune status starts with: spread them into a status Struct. */
export function statusBase() {
  return {
    observedGeneration: Type.Optional(
      Int64({ description: "The generation this status was computed from.", minimum: 0 }),
    ),
    conditions: Type.Optional(Conditions()),
  };
}
