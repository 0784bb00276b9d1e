import { describe, expect, it } from "vitest";
import {
  CLASSIFY_LIMITS,
  classifyRequestSchema,
  classifyResponseSchema,
  formatErrors,
  validateAgainstSchema,
} from "../src/index.js";
import type { ClassifyRequest } from "../src/index.js";

function validateRequest(body: unknown) {
  return validateAgainstSchema<ClassifyRequest>(body, classifyRequestSchema);
}

describe("the /v1/classify contract", () => {
  it("when a request omits topK, defaults it to 3", () => {
    const { value, errors } = validateRequest({ documents: [{ id: "a", text: "hello" }] });

    expect(errors).toEqual([]);
    expect(value.topK).toBe(3);
  });

  it.each([
    ["no documents", { documents: [] }, "documents"],
    ["a document without text", { documents: [{ id: "a" }] }, "documents[0].text"],
    ["an unknown field", { documents: [{ id: "a", text: "t" }], tokens: 1 }, "tokens"],
    ["topK of zero", { documents: [{ id: "a", text: "t" }], topK: 0 }, "topK"],
    [
      "too many documents",
      {
        documents: Array.from({ length: CLASSIFY_LIMITS.maxDocuments + 1 }, (_, i) => ({
          id: String(i),
          text: "t",
        })),
      },
      "documents",
    ],
  ])("when a request has %s, names the field", (_case, body, field) => {
    const messages = formatErrors(validateRequest(body).errors).join("\n");

    expect(messages).toContain(field);
  });

  it("when a response carries results with scores, is accepted", () => {
    const response = {
      model: "doc-classifier",
      version: "v3",
      results: [
        {
          id: "a",
          labels: [
            { label: "invoice", score: 0.91 },
            { label: "contract", score: 0.05 },
          ],
          top: "invoice",
          windows: 2,
          escalated: false,
        },
      ],
    };

    expect(validateAgainstSchema(response, classifyResponseSchema).errors).toEqual([]);
  });
});
