// InferenceRoute: "send 90% to v3 and 10% to v4, sticky per user, escalate unsure answers to the LLM".
import { Type } from "@sinclair/typebox";
import {
  BoundedString,
  Decimal,
  Duration,
  Fraction,
  HeaderName,
  Int32,
  List,
  ObjectName,
  Struct,
} from "../../common/schema.js";
import type { CelRule } from "../../common/schema.js";

const knownVariant = (path: string) => `self.variants.exists(v, v.name == ${path})`;

/**
 * The rules that tie weights, the mirror, overrides and a rollout to the variants; the
 * routing table the operator renders from a route keeps the same ones.
 */
export const VARIANT_RULES = {
  weightsSum: {
    rule: "self.variants.map(v, v.weight).sum() == 100",
    message: "variant weights must sum to 100",
    fieldPath: ".variants",
  },
  mirror: {
    rule: `!has(self.mirror) || ${knownVariant("self.mirror.variant")}`,
    message: "mirror.variant must name one of the variants",
    fieldPath: ".mirror.variant",
  },
  overrides: {
    rule: `!has(self.overrides) || self.overrides.values.all(o, ${knownVariant("o.variant")})`,
    message: "every override must name one of the variants",
    fieldPath: ".overrides.values",
  },
  rollout: {
    rule: `!has(self.rollout) || ${knownVariant("self.rollout.candidate")}`,
    message: "rollout.candidate must name one of the variants",
    fieldPath: ".rollout.candidate",
  },
} satisfies Record<string, CelRule>;

export const Weight = (description: string) => Int32({ description, minimum: 0, maximum: 100 });

const Variant = Struct(
  {
    name: ObjectName({
      description: "Variant name, reported in the x-kubetune-variant header and in metric labels.",
    }),
    modelVersion: ObjectName({
      description: "ModelVersion (same namespace) serving this variant.",
    }),
    weight: Weight(
      "Percent of traffic; 0 keeps a dark variant reachable only by override or mirror.",
    ),
  },
  { description: "One version the route splits traffic to." },
);

/** Also an entry of the routing table's overrides. */
export const Override = Struct(
  {
    value: BoundedString(256, { description: "Header value that selects the variant." }),
    variant: ObjectName({ description: "Variant the value forces." }),
  },
  { description: "A header value that forces a variant." },
);

const Rollout = Struct(
  {
    candidate: ObjectName({
      description: "Variant being rolled out; the other variants share the rest of the traffic.",
    }),
    steps: List(
      Struct(
        {
          weight: Weight("Candidate's percent of traffic at this step."),
          pause: Type.Optional(
            Duration({ description: "How long to hold the step before analysing it, e.g. 5m." }),
          ),
        },
        { description: "One step of the rollout." },
      ),
      {
        description: "Steps in order; the last step's weight is usually 100.",
        minItems: 1,
        maxItems: 32,
        listType: "atomic",
      },
    ),
    analysis: Type.Optional(
      Struct(
        {
          interval: Type.Optional(
            Duration({ description: "How often the candidate is measured.", default: "30s" }),
          ),
          maxErrorRate: Type.Optional(
            Fraction({ description: "Highest share of failed candidate requests that passes." }),
          ),
          maxP99LatencySeconds: Type.Optional(
            Decimal({ description: "Highest candidate p99 latency that passes." }),
          ),
          maxEscalationRate: Type.Optional(
            Fraction({
              description:
                "Highest share of candidate documents escalated by the cascade that passes.",
            }),
          ),
        },
        { description: "Checks on live metrics that gate each step; a failure rolls back." },
      ),
    ),
  },
  { description: "Progressive delivery of a candidate variant with automatic rollback." },
);

export const InferenceRouteSpec = Struct(
  {
    model: ObjectName({ description: "Logical model the route serves." }),
    variants: List(Variant, {
      description: "Versions to split traffic between; weights sum to 100.",
      minItems: 1,
      maxItems: 16,
      listType: "map",
      mapKeys: ["name"],
    }),
    stickiness: Type.Optional(
      Struct(
        {
          header: HeaderName({
            description:
              "Request header whose value keeps a caller on one variant, e.g. x-user-id.",
          }),
        },
        { description: "Keeps a caller on the same variant while weights do not change." },
      ),
    ),
    overrides: Type.Optional(
      Struct(
        {
          header: HeaderName({ description: "Request header whose value can force a variant." }),
          values: List(Override, {
            description: "Header values and the variant each forces.",
            maxItems: 64,
            listType: "map",
            mapKeys: ["value"],
          }),
        },
        { description: "Header values that force a variant, for testers and canary users." },
      ),
    ),
    mirror: Type.Optional(
      Struct(
        {
          variant: ObjectName({
            description:
              "Variant that receives a shadow copy of requests; its responses are dropped.",
          }),
          percent: Type.Optional(Weight("Percent of requests mirrored.")),
        },
        { description: "Shadow traffic to a variant, measured but never answered from." },
      ),
    ),
    cascade: Type.Optional(
      Struct(
        {
          escalateTo: ObjectName({
            description:
              "ModelVersion (runtime llm) that answers documents the encoder is unsure of.",
          }),
          confidenceThreshold: Fraction({
            description: "Documents whose top score is below this are escalated.",
          }),
          maxEscalationRate: Type.Optional(
            Fraction({
              description:
                "Most documents escalated over a sliding window; beyond it the encoder answers.",
              default: "1",
            }),
          ),
        },
        { description: "Encoder first, LLM for low-confidence documents." },
      ),
    ),
    rollout: Type.Optional(Rollout),
    gateway: Type.Optional(
      Struct(
        {
          name: ObjectName({ description: "Gateway (gateway.networking.k8s.io) to attach to." }),
          namespace: Type.Optional(
            ObjectName({ description: "Namespace of the Gateway; the route's own when unset." }),
          ),
          sectionName: Type.Optional(
            ObjectName({ description: "Listener of the Gateway to attach to." }),
          ),
          hostnames: Type.Optional(
            List(BoundedString(253, { description: "A hostname the route answers." }), {
              description:
                "Hostnames the HTTPRoute matches; every host of the listener when unset.",
              maxItems: 16,
              listType: "set",
            }),
          ),
        },
        {
          description:
            "Also renders a Gateway API HTTPRoute that splits the Gateway's traffic between the variants' Services by their applied weights.",
        },
      ),
    ),
  },
  {
    description: "How traffic for a model is split between its versions.",
    "x-kubernetes-validations": [
      VARIANT_RULES.weightsSum,
      VARIANT_RULES.mirror,
      VARIANT_RULES.overrides,
      {
        rule: "!has(self.cascade) || !self.variants.exists(v, v.modelVersion == self.cascade.escalateTo)",
        message:
          "cascade.escalateTo must name the LLM ModelVersion, not one the variants already serve",
        fieldPath: ".cascade.escalateTo",
      },
      VARIANT_RULES.rollout,
      {
        rule: "!has(self.rollout) || self.variants.size() >= 2",
        message: "a rollout needs a stable variant beside the candidate",
        fieldPath: ".rollout",
      },
    ],
  },
);
