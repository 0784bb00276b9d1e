// Calls one variant: picks an endpoint whose circuit is closed, retries on another endpoint
// of the same variant only when the request cannot have reached the first one, feeds the
// breakers, and records the upstream latency and a client span for each attempt. A
// variant with a single endpoint (its Service) that refuses the connection is tried again
// twice, shortly: a Service whose first pod just became ready refuses until kube-proxy
// has written its rules, and a refused connection delivered nothing.
import { setTimeout as sleep } from "node:timers/promises";
import type { Context } from "@opentelemetry/api";
import type { Table } from "../config/compile.js";
import type { RouterMetrics } from "../metrics.js";
import { endSpan, startUpstreamSpan } from "../tracing.js";
import type { Endpoint, EndpointPool } from "./endpoints.js";
import { UpstreamError } from "./errors.js";
import type { UpstreamRequest, UpstreamResponse } from "./send.js";
import { send } from "./send.js";

export interface Target {
  /** Variant name as it appears in metrics (for the cascade LLM: its ModelVersion). */
  readonly label: string;
  readonly endpoints: readonly string[];
}

export interface CallContext {
  readonly table: Table;
  readonly pool: EndpointPool;
  readonly metrics: RouterMetrics;
  readonly trace: Context;
}

export interface Answer {
  readonly response: UpstreamResponse;
  readonly endpoint: string;
}

function noEndpoint(target: Target): UpstreamError {
  const why = target.endpoints.length === 0 ? "no ready endpoint" : "every endpoint's circuit open";
  return new UpstreamError("unavailable", `variant ${target.label} has ${why}`);
}

/** Waits before the same endpoint is tried again after a refused connection. */
export const RECONNECT_DELAYS_MS: readonly number[] = [100, 400];

export async function callVariant(
  ctx: CallContext,
  target: Target,
  upstream: UpstreamRequest,
): Promise<Answer> {
  const tried = new Set<string>();
  for (;;) {
    const endpoint = ctx.pool.pick(target.endpoints, tried);
    if (!endpoint) throw tried.size === 0 ? noEndpoint(target) : lastError(tried, target);
    tried.add(endpoint.base);
    try {
      const response =
        target.endpoints.length === 1
          ? await attemptReconnecting(ctx, target, endpoint, upstream)
          : await attempt(ctx, target, { endpoint, upstream, lastChance: true });
      return { response, endpoint: endpoint.base };
    } catch (error) {
      const failure = error as UpstreamError;
      if (!failure.retryable || !ctx.pool.pick(target.endpoints, tried)) throw failure;
      ctx.metrics.retries.inc({ route: ctx.table.route, variant: target.label });
    }
  }
}

function lastError(tried: ReadonlySet<string>, target: Target): UpstreamError {
  return new UpstreamError(
    "unavailable",
    `variant ${target.label}: ${tried.size} endpoint(s) failed`,
  );
}

/** The single endpoint, again after a refusal; only the last refusal counts for its breaker. */
async function attemptReconnecting(
  ctx: CallContext,
  target: Target,
  endpoint: Endpoint,
  upstream: UpstreamRequest,
): Promise<UpstreamResponse> {
  for (const delay of RECONNECT_DELAYS_MS) {
    try {
      return await attempt(ctx, target, { endpoint, upstream, lastChance: false });
    } catch (error) {
      if (!(error instanceof UpstreamError && error.failure === "refused")) throw error;
      ctx.metrics.retries.inc({ route: ctx.table.route, variant: target.label });
      await sleep(delay);
    }
  }
  return attempt(ctx, target, { endpoint, upstream, lastChance: true });
}

interface Attempt {
  readonly endpoint: Endpoint;
  readonly upstream: UpstreamRequest;
  /** False while a refusal will be followed by another try: it does not count yet. */
  readonly lastChance: boolean;
}

async function attempt(
  ctx: CallContext,
  target: Target,
  { endpoint, upstream, lastChance }: Attempt,
): Promise<UpstreamResponse> {
  // Written into the shared headers: each attempt injects and sends synchronously, before
  // any other attempt (a retry, the mirror) can run.
  const span = startUpstreamSpan(
    `upstream ${upstream.method} ${upstream.path}`,
    ctx.trace,
    upstream.headers,
  );
  span.setAttribute("server.address", endpoint.base);
  const started = performance.now();
  const { route } = ctx.table;
  try {
    const response = await send(endpoint, upstream);
    const code = response.statusCode;
    if (code >= 500) ctx.pool.failure(endpoint.base, ctx.table.breaker);
    else ctx.pool.success(endpoint.base);
    // "close" follows the body's end, or its destruction when the client went away.
    response.body.once("close", () => {
      ctx.metrics.observeUpstream(route, target.label, code, started);
      endSpan(span, code);
    });
    return response;
  } catch (error) {
    const refused = error instanceof UpstreamError && error.failure === "refused";
    if (lastChance || !refused) ctx.pool.failure(endpoint.base, ctx.table.breaker);
    const message = error instanceof Error ? error.message : String(error);
    ctx.metrics.observeUpstream(route, target.label, 0, started);
    endSpan(span, 0, message);
    throw error instanceof UpstreamError ? error : new UpstreamError("reset", message);
  }
}
