// POST /v1/chat/completions and /v1/completions: OpenAI-compatible, non-streaming or
// SSE with `data: [DONE]`, optional structured output (json or headless).
import { randomUUID } from "node:crypto";
import { Router } from "express";
import type { Request, Response } from "express";
import { generate } from "../engine/generate.js";
import type { GenerateResult } from "../engine/generate.js";
import type { LlamaEngine, Variant } from "../engine/llama-engine.js";
import { toHttpError } from "../errors.js";
import { chunkBody, responseBody, roleChunk, usageChunk } from "../openai/bodies.js";
import type { Kind, ResponseMeta } from "../openai/bodies.js";
import { chatPrompt, checkFits, completionPrompt } from "../openai/prompt.js";
import { parseChatRequest, parseCompletionRequest } from "../openai/validate.js";
import type { ChatRequest, CompletionRequest, Structured } from "../openai/validate.js";
import { lease, requestSignal } from "../request-signal.js";
import { grammarFor, rebuild } from "../structured/fields.js";
import { withServerSpan } from "../tracing.js";
import { SseWriter, sseEvent } from "./sse.js";
import type { AppDeps } from "./deps.js";

type Parsed = ChatRequest | CompletionRequest;

function promptFor(engine: LlamaEngine, request: Parsed) {
  return "messages" in request
    ? chatPrompt(engine, request.messages)
    : completionPrompt(engine, request.prompt);
}

/** The content the client sees: structured answers are rebuilt into their JSON object. */
function contentOf(text: string, structured: Structured | undefined): string {
  if (!structured) return text;
  try {
    return JSON.stringify(rebuild(text, structured.fields, structured.format));
  } catch {
    return text; // cut short by max_tokens: finish_reason says "length"
  }
}

async function streamOut(
  res: Response,
  run: AsyncGenerator<string, GenerateResult>,
  ctx: { kind: Kind; meta: ResponseMeta; request: Parsed },
): Promise<GenerateResult> {
  const { kind, meta, request } = ctx;
  res.status(200).set({ "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.flushHeaders();
  const events = new SseWriter(res);
  if (kind === "chat") events.now(roleChunk(meta));
  let step = await run.next();
  try {
    for (let first = true; !step.done; step = await run.next()) {
      // Structured answers are sent once rebuilt; plain text as it comes. The first
      // delta goes out at once (time to first token); the rest after the next decode started.
      const delta = step.value;
      if (request.structured) continue;
      if (first) events.sendNow(chunkBody(kind, meta, delta));
      else events.later(() => chunkBody(kind, meta, delta));
      first = false;
    }
  } finally {
    events.flush(); // an error event must follow the deltas already produced
  }
  const result = step.value;
  if (request.structured)
    events.now(chunkBody(kind, meta, contentOf(result.text, request.structured)));
  events.now(chunkBody(kind, meta, "", result.finishReason));
  if (request.includeUsage && kind !== "triton") events.now(usageChunk(kind, meta, result));
  // Triton's generate_stream ends with the stream; OpenAI's with [DONE].
  res.end(kind === "triton" ? "" : "data: [DONE]\n\n");
  return result;
}

async function collect(run: AsyncGenerator<string, GenerateResult>): Promise<GenerateResult> {
  let step = await run.next();
  while (!step.done) step = await run.next();
  return step.value;
}

function record(deps: AppDeps, variant: Variant, result: GenerateResult, seconds: number): void {
  const labels = { model: deps.host.name, adapter: variant.adapter?.name ?? "" };
  deps.metrics.promptTokens.inc(labels, result.promptTokens);
  if (result.firstTokenSeconds === undefined) return;
  deps.metrics.timeToFirstToken.observe(labels, result.firstTokenSeconds);
  const generating = seconds - result.firstTokenSeconds;
  if (result.completionTokens > 1 && generating > 0)
    deps.metrics.tokensPerSecond.observe(labels, (result.completionTokens - 1) / generating);
}

/** Everything decided before a sequence is leased: bad input fails here, without waiting. */
async function prepare(kind: Kind, deps: AppDeps, req: Request) {
  const engine = deps.host.engine();
  const request =
    kind === "chat"
      ? parseChatRequest(req.body, deps.limits)
      : parseCompletionRequest(req.body, deps.limits);
  const variant = engine.variant(request.model);
  const prompt = promptFor(engine, request);
  checkFits(prompt, engine.contextSize);
  const { structured } = request;
  const grammar = structured
    ? await engine.grammar(grammarFor(structured.fields, structured.format))
    : undefined;
  return { request, variant, prompt, grammar };
}

async function complete(kind: Kind, deps: AppDeps, req: Request, res: Response): Promise<void> {
  const { request, variant, prompt, grammar } = await prepare(kind, deps, req);
  const labels = { model: deps.host.name, adapter: variant.adapter?.name ?? "" };
  (res.locals as { adapter?: string }).adapter = labels.adapter;
  const signal = requestSignal(req, res, deps.timeoutMs);
  const held = await lease(variant.pool, signal, deps.retryAfterSeconds);
  deps.metrics.queueWait.observe(held.waitedSeconds);
  const started = performance.now();
  try {
    // Bound once: the per-token increment then skips hashing the label set.
    const completionTokens = deps.metrics.completionTokens.labels(labels);
    const onToken = () => {
      completionTokens.inc();
    };
    const run = generate(held.item, {
      prompt,
      sampling: request.sampling,
      grammar,
      signal,
      onToken,
    });
    const meta = {
      id: `cmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: variant.name,
    };
    const result = request.stream
      ? await streamOut(res, run, { kind, meta, request })
      : await collect(run);
    record(deps, variant, result, (performance.now() - started) / 1000);
    if (!request.stream)
      res.json(responseBody(kind, meta, result, contentOf(result.text, request.structured)));
  } finally {
    held.release();
  }
}

/** Errors after an SSE stream started travel as an event; the status line is long gone. */
export function handler(kind: Kind, deps: AppDeps) {
  return async (req: Request, res: Response) => {
    await withServerSpan(`llm ${req.path}`, req.headers, () =>
      complete(kind, deps, req, res),
    ).catch((error: unknown) => {
      if (!res.headersSent) throw error;
      if (!res.writableEnded && !res.destroyed) {
        res.write(sseEvent({ error: toHttpError(error).message }));
        res.end();
      }
    });
  };
}

export function completionsRouter(deps: AppDeps): Router {
  return Router()
    .post("/v1/chat/completions", handler("chat", deps))
    .post("/v1/completions", handler("text", deps));
}
