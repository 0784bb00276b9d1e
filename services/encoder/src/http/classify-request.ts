// Checks a /v1/classify body against the shared contract, then what the schema cannot
// say: whitespace-only text and this server's own document limit.
import type { ClassifyRequest } from "@kubetune/api";
import { classifyRequestSchema, formatErrors, validateAgainstSchema } from "@kubetune/api";
import { HttpError } from "./errors.js";

export const DEFAULT_TOP_K = 3;

export function parseClassifyRequest(
  body: unknown,
  maxDocuments: number,
): Required<ClassifyRequest> {
  const { errors, value } = validateAgainstSchema<ClassifyRequest>(body, classifyRequestSchema);
  if (errors.length > 0) {
    throw new HttpError(400, `invalid classify request: ${formatErrors(errors).join("; ")}`);
  }
  if (value.documents.length > maxDocuments) {
    throw new HttpError(
      400,
      `too many documents: ${value.documents.length}, this server takes at most ${maxDocuments} per request`,
    );
  }
  const blank = value.documents.findIndex((doc) => doc.text.trim() === "");
  if (blank >= 0) {
    throw new HttpError(
      400,
      `documents[${blank}].text is empty or whitespace only (id "${value.documents[blank]?.id ?? ""}")`,
    );
  }
  return { documents: value.documents, topK: value.topK ?? DEFAULT_TOP_K };
}
