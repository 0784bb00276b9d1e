// The LLM half of the cascade: the unsure documents, as one /v1/classify request to the
// escalation backend. Any failure (down, slow, an error status, a malformed answer) comes
// back as undefined: the caller keeps the encoder answers, marked, and never fails.
import { classifyResponseSchema, validateAgainstSchema } from "@kubetune/api";
import type { ClassifyDocument, ClassifyResponse, ClassifyResult } from "@kubetune/api";
import type { CascadeSettings } from "../config/compile.js";
import type { CallContext } from "../upstream/call.js";
import { callVariant } from "../upstream/call.js";
import { readAll } from "../upstream/send.js";

const LLM_RESPONSE_LIMIT = 16 * 1024 * 1024;

export async function askLlm(
  ctx: CallContext,
  cascade: CascadeSettings,
  documents: readonly ClassifyDocument[],
  topK: number | undefined,
): Promise<{ results: ClassifyResult[] } | { error: string }> {
  try {
    const body = Buffer.from(JSON.stringify({ documents, ...(topK ? { topK } : {}) }));
    const { response } = await callVariant(
      ctx,
      { label: cascade.escalateTo.modelVersion, endpoints: cascade.escalateTo.endpoints },
      {
        method: "POST",
        path: "/v1/classify",
        headers: { "content-type": "application/json", "content-length": String(body.length) },
        body,
        timeoutMs: cascade.timeoutMs,
      },
    );
    const raw = await readAll(response.body, LLM_RESPONSE_LIMIT);
    if (response.statusCode !== 200) return { error: `LLM answered ${response.statusCode}` };
    return checkAnswer(raw, documents.length);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function checkAnswer(
  raw: Buffer,
  expected: number,
): { results: ClassifyResult[] } | { error: string } {
  const parsed = JSON.parse(raw.toString("utf8")) as unknown;
  const { errors, value } = validateAgainstSchema<ClassifyResponse>(parsed, classifyResponseSchema);
  if (errors.length > 0) return { error: "LLM answer does not follow the classify contract" };
  if (value.results.length !== expected) {
    return { error: `LLM answered ${value.results.length} results for ${expected} documents` };
  }
  return { results: value.results };
}
