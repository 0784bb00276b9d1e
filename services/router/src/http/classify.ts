// POST /v1/classify: validated against the shared contract, sent to the chosen encoder
// variant, its answer checked, then (when the route cascades) unsure documents escalated.
import {
  CLASSIFY_HEADERS,
  classifyRequestSchema,
  classifyResponseSchema,
  formatErrors,
  validateAgainstSchema,
} from "@kubetune/api";
import type { ClassifyRequest, ClassifyResponse } from "@kubetune/api";
import type { Table, Variant } from "../config/compile.js";
import { runCascade } from "../cascade/cascade.js";
import { callVariant } from "../upstream/call.js";
import type { CallContext } from "../upstream/call.js";
import { UpstreamError } from "../upstream/errors.js";
import { readAll } from "../upstream/send.js";
import type { UpstreamRequest } from "../upstream/send.js";
import type { RouterDeps } from "./deps.js";
import { RESPONSE_BODY_LIMIT } from "./deps.js";
import type { Exchange } from "./exchange.js";
import { HttpError, sendJson } from "./respond.js";

export function parseClassifyRequest(body: Buffer): ClassifyRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `request body is not JSON: ${(error as Error).message}`);
  }
  const { errors, value } = validateAgainstSchema<ClassifyRequest>(parsed, classifyRequestSchema);
  if (errors.length > 0) {
    throw new HttpError(400, `invalid classify request: ${formatErrors(errors).join("; ")}`);
  }
  return value;
}

/** A backend's answer, trusted only when it follows the contract. */
function parseClassifyResponse(raw: Buffer, status: number, expected: number): ClassifyResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new UpstreamError("invalid", `answered ${status} with a body that is not JSON`);
  }
  if (status !== 200) {
    const message = (parsed as { error?: unknown }).error;
    if (typeof message === "string" && status < 600) throw new HttpError(status, message);
    throw new UpstreamError("invalid", `answered ${status} without a JSON error`);
  }
  const { errors, value } = validateAgainstSchema<ClassifyResponse>(parsed, classifyResponseSchema);
  if (errors.length > 0) {
    throw new UpstreamError(
      "invalid",
      `answer breaks the classify contract: ${formatErrors(errors)[0] ?? ""}`,
    );
  }
  if (value.results.length !== expected) {
    throw new UpstreamError(
      "invalid",
      `answered ${value.results.length} results for ${expected} documents`,
    );
  }
  return value;
}

export async function handleClassify(
  deps: RouterDeps,
  exchange: Exchange,
  request: ClassifyRequest,
  upstream: UpstreamRequest,
): Promise<void> {
  const table = exchange.table as Table;
  const variant = exchange.variant as Variant;
  deps.metrics.documents.inc(
    { route: table.route, variant: variant.name },
    request.documents.length,
  );
  const ctx: CallContext = {
    table,
    pool: deps.pool,
    metrics: deps.metrics,
    trace: exchange.trace.context,
  };
  const { response } = await callVariant(
    ctx,
    { label: variant.name, endpoints: variant.endpoints },
    upstream,
  );
  const raw = await readAll(response.body, RESPONSE_BODY_LIMIT);
  const answer = parseClassifyResponse(raw, response.statusCode, request.documents.length);
  const budget = deps.budgets.for(table);
  if (!budget) {
    sendJson(exchange.res, 200, answer, exchange.routedHeaders());
    return;
  }
  const outcome = await runCascade(
    { ctx, budget, log: deps.log, variant: variant.name },
    request,
    answer.results,
  );
  sendJson(
    exchange.res,
    200,
    { ...answer, results: outcome.results },
    { ...exchange.routedHeaders(), [CLASSIFY_HEADERS.escalated]: String(outcome.escalated) },
  );
}
