// POST /v1/classify: the shared contract from @kubetune/api, answered by the LLM with
// grammar-constrained labels and scores from token probabilities.
import {
  CLASSIFY_HEADERS,
  classifyRequestSchema,
  formatErrors,
  validateAgainstSchema,
} from "@kubetune/api";
import type { ClassifyRequest, ClassifyResponse } from "@kubetune/api";
import { Router } from "express";
import type { Request, Response } from "express";
import { HttpError, invalidInput, queueFull } from "../errors.js";
import { QueueFullError } from "../queue.js";
import { requestSignal } from "../request-signal.js";
import { withServerSpan } from "../tracing.js";
import { modelVersion } from "../version.js";
import type { AppDeps } from "./deps.js";

function parse(body: unknown): ClassifyRequest {
  const { errors, value } = validateAgainstSchema<ClassifyRequest>(body, classifyRequestSchema);
  if (errors.length === 0) return value;
  // Too many documents or too long a text is a payload size problem: 413, as the encoder answers.
  const tooLarge = errors.some((e) => e.type === "Too many" || e.type === "Too long");
  const message = formatErrors(errors).join("; ");
  throw tooLarge ? new HttpError(413, message) : invalidInput(message);
}

async function classify(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const classifier = deps.host.classifier();
  const request = parse(req.body);
  const signal = requestSignal(req, res, deps.timeoutMs);
  const results = await classifier
    .classify(request, signal, {
      onQueueWait: (s) => {
        deps.metrics.queueWait.observe(s);
      },
    })
    .catch((error: unknown) => {
      throw error instanceof QueueFullError ? queueFull(deps.retryAfterSeconds) : error;
    });
  const version = modelVersion();
  const body: ClassifyResponse = { model: deps.host.name, version, results };
  res.set(CLASSIFY_HEADERS.modelVersion, version).json(body);
}

export function classifyRouter(deps: AppDeps): Router {
  return Router().post("/v1/classify", async (req, res) => {
    (res.locals as { adapter?: string }).adapter = "";
    await withServerSpan("llm /v1/classify", req.headers, () => classify(deps, req, res));
  });
}
