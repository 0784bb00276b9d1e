// The routing table: the contract between the operator, which renders one from an
// InferenceRoute (and the ModelVersions it names) into a ConfigMap, and the router, which
// reads that file and hot-reloads it. The table is the route fully resolved: weights as
// applied right now (a rollout step already folded in), and for every variant the version
// name and the base URLs of its serving endpoints. The router never reads a CRD.
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import { toPlainSchema } from "../common/define-crd.js";
import {
  BoundedString,
  Duration,
  Fraction,
  HeaderName,
  Int32,
  Int64,
  List,
  ObjectName,
  Struct,
} from "../common/schema.js";
import { Override, VARIANT_RULES, Weight } from "../inferenceroute/v1alpha1/spec.js";

/** The file name the operator writes into the ConfigMap and the router reads. */
export const ROUTING_TABLE_FILE = "routing-table.json";

/**
 * Pushing a table (PUT /v1/routes) needs the route's admin token in this header. Not
 * Authorization: through the API server's pod proxy that header carries the operator's
 * own credentials.
 */
export const ROUTER_ADMIN_TOKEN_HEADER = "x-kubetune-admin-token";
/** The router's environment variable holding that token (from the route's Secret). */
export const ROUTER_ADMIN_TOKEN_ENV = "KUBETUNE_ROUTER_ADMIN_TOKEN";

/** Base URL of one serving replica or Service, e.g. http://arxiv-v3.ml.svc:8080. */
const BaseUrl = Type.String({
  description: "Base URL (plain HTTP, no trailing path) that the API paths are appended to.",
  minLength: 8,
  maxLength: 2048,
  pattern: "^http://[A-Za-z0-9.\\-\\[\\]:]+$",
});

const Endpoints = (description: string) =>
  List(BaseUrl, { description, maxItems: 64, listType: "set" });

const VersionName = (description: string) => BoundedString(63, { description });

const TableVariant = Struct(
  {
    name: ObjectName({ description: "Variant name from the InferenceRoute." }),
    modelVersion: ObjectName({ description: "ModelVersion object serving the variant." }),
    version: VersionName("The ModelVersion's version (e.g. v3), sent in x-kubetune-model-version."),
    weight: Weight("Percent of traffic applied now; 0 is a dark variant (override or mirror)."),
    endpoints: Endpoints("Where the variant is served; empty while it has no ready backend."),
  },
  { description: "One variant with its applied weight and endpoints." },
);

const Cascade = Struct(
  {
    escalateTo: Struct(
      {
        modelVersion: ObjectName({ description: "The LLM ModelVersion documents escalate to." }),
        version: VersionName("Its version name."),
        endpoints: Endpoints("Where the LLM is served."),
      },
      { description: "The LLM backend of the cascade." },
    ),
    confidenceThreshold: Fraction({
      description: "Documents whose top encoder score is below this are escalated.",
    }),
    maxEscalationRate: Type.Optional(
      Fraction({
        description: "Most escalated documents, as a share of all documents in the window.",
        default: "1",
      }),
    ),
    window: Type.Optional(
      Duration({ description: "Sliding window of the escalation budget.", default: "60s" }),
    ),
    timeout: Type.Optional(
      Duration({
        description: "How long the LLM may take; past it the encoder answer is returned.",
        default: "10s",
      }),
    ),
  },
  { description: "Encoder first, the LLM for low-confidence documents, within a budget." },
);

const Rollout = Struct(
  {
    candidate: ObjectName({ description: "Variant being rolled out." }),
    step: Int32({ description: "Index of the rollout step applied.", minimum: 0, maximum: 31 }),
    weight: Weight("Candidate weight of that step (already applied to the variants)."),
  },
  { description: "The rollout step the weights come from, reported back for verification." },
);

export const RoutingTable = Struct(
  {
    generation: Int64({
      description: "Increases with every table written; the router reports the one in force.",
      minimum: 0,
    }),
    route: ObjectName({ description: "InferenceRoute name, used as the route metric label." }),
    model: ObjectName({ description: "Logical model the route serves (OIP model name)." }),
    variants: List(TableVariant, {
      description: "Variants and their applied weights; weights sum to 100.",
      minItems: 1,
      maxItems: 16,
      listType: "map",
      mapKeys: ["name"],
    }),
    stickiness: Type.Optional(
      Struct(
        {
          header: HeaderName({
            description: "Request header whose value keeps a caller on one variant.",
          }),
        },
        { description: "Same header value, same variant, while weights do not change." },
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
        { description: "Header values that force a variant." },
      ),
    ),
    mirror: Type.Optional(
      Struct(
        {
          variant: ObjectName({ description: "Variant receiving shadow copies of requests." }),
          percent: Weight("Percent of requests mirrored."),
        },
        { description: "Shadow traffic; responses are dropped, latency and status recorded." },
      ),
    ),
    cascade: Type.Optional(Cascade),
    rollout: Type.Optional(Rollout),
    requestTimeout: Type.Optional(
      Duration({
        description: "Per upstream call: time to the response headers, and idle time after.",
        default: "30s",
      }),
    ),
    circuitBreaker: Type.Optional(
      Struct(
        {
          failures: Int32({
            description: "Consecutive failures of an endpoint that open its circuit.",
            minimum: 1,
            maximum: 1000,
            default: 3,
          }),
          openFor: Duration({
            description: "How long an open circuit keeps the endpoint out.",
            default: "5s",
          }),
        },
        { description: "Keeps a failing endpoint out for a short while." },
      ),
    ),
  },
  {
    description: "The resolved InferenceRoute the router serves (operator → router).",
    "x-kubernetes-validations": [
      VARIANT_RULES.weightsSum,
      VARIANT_RULES.mirror,
      VARIANT_RULES.overrides,
      VARIANT_RULES.rollout,
    ],
  },
);

export type RoutingTable = Static<typeof RoutingTable>;
export type RoutingTableVariant = RoutingTable["variants"][number];

export const routingTableSchema = toPlainSchema(RoutingTable, "routing table");
