// The `/v1/classify` contract shared by the encoder, the LLM service and the router.
// The router cascades from the encoder to the LLM by sending the same request to both
// and reading the same response, so the shape is defined once here and every service
// validates against it; none of them reads another's internals.
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import { toPlainSchema } from "../common/define-crd.js";
import { BoundedString, Int32, Struct } from "../common/schema.js";

/** Bounds every service enforces before doing any work (413/400 beyond them). */
export const CLASSIFY_LIMITS = {
  maxDocuments: 256,
  maxDocumentIdLength: 256,
  /** Characters per document; long documents are windowed, not truncated. */
  maxTextLength: 2_000_000,
  maxTopK: 100,
} as const;

/** Response headers the router sets; services may set the version one themselves. */
export const CLASSIFY_HEADERS = {
  variant: "x-kubetune-variant",
  modelVersion: "x-kubetune-model-version",
  escalated: "x-kubetune-escalated",
} as const;

export const ClassifyDocument = Struct(
  {
    id: BoundedString(CLASSIFY_LIMITS.maxDocumentIdLength, {
      description: "Caller's identifier, echoed in the response.",
    }),
    text: Type.String({
      description: "The document text; any length up to the limit.",
      maxLength: CLASSIFY_LIMITS.maxTextLength,
    }),
  },
  { description: "One document to classify." },
);

export const ClassifyRequest = Struct(
  {
    documents: Type.Array(ClassifyDocument, {
      description: "Documents to classify, answered in the same order.",
      minItems: 1,
      maxItems: CLASSIFY_LIMITS.maxDocuments,
    }),
    topK: Type.Optional(
      Int32({
        description: "How many labels to return per document, best first.",
        minimum: 1,
        maximum: CLASSIFY_LIMITS.maxTopK,
        default: 3,
      }),
    ),
  },
  { description: "POST /v1/classify request body." },
);

export const LabelScore = Struct(
  {
    label: Type.String({ description: "A label from the model's label set." }),
    score: Type.Number({
      description: "Probability in [0, 1] (softmax, sigmoid, or from token probabilities).",
    }),
  },
  { description: "One label and its score." },
);

export const ClassifyResult = Struct(
  {
    id: Type.String({ description: "The document's id from the request." }),
    labels: Type.Array(LabelScore, { description: "Top-k labels, best first." }),
    top: Type.String({ description: "The predicted label (the first of `labels`)." }),
    predicted: Type.Optional(
      Type.Array(Type.String(), {
        description: "Multi-label models: every label at or above the threshold.",
      }),
    ),
    windows: Type.Integer({
      description: "How many token windows the document was split into (1 for short ones).",
      minimum: 1,
    }),
    escalated: Type.Optional(
      Type.Boolean({ description: "Set by the router: this answer came from the LLM." }),
    ),
    escalation: Type.Optional(
      Type.String({
        description:
          "Set by the router when a document needed escalation but got the encoder's answer: " +
          "`budget-exhausted` or `llm-failed`.",
      }),
    ),
  },
  { description: "The answer for one document." },
);

export const ClassifyResponse = Struct(
  {
    model: Type.String({ description: "The model that answered." }),
    version: Type.String({ description: "The model version that answered." }),
    results: Type.Array(ClassifyResult, { description: "One result per request document." }),
  },
  { description: "POST /v1/classify response body." },
);

export type ClassifyDocument = Static<typeof ClassifyDocument>;
export type ClassifyRequest = Static<typeof ClassifyRequest>;
export type LabelScore = Static<typeof LabelScore>;
export type ClassifyResult = Static<typeof ClassifyResult>;
export type ClassifyResponse = Static<typeof ClassifyResponse>;

/** Every kubetune service answers errors with this body and a matching status code. */
export const ErrorBody = Struct(
  { error: Type.String({ description: "What went wrong, for a human." }) },
  { description: "JSON error body of every kubetune HTTP API." },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const classifyRequestSchema = toPlainSchema(ClassifyRequest, "classify request");
export const classifyResponseSchema = toPlainSchema(ClassifyResponse, "classify response");
