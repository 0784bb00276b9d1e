// OpenTelemetry through the API only (the process wires the SDK, if any): a server span per
// request continuing the caller's W3C trace context, a client span per upstream call whose
// context is injected into the outgoing headers.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from "@opentelemetry/api";
import type { Context, Span } from "@opentelemetry/api";
import type { IncomingHttpHeaders } from "node:http";

const tracer = trace.getTracer("kubetune-router");

export interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
}

export function startRequestSpan(name: string, headers: IncomingHttpHeaders): RequestSpan {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Starts the client span of an upstream call and writes its context into `headers`. */
export function startUpstreamSpan(
  name: string,
  parent: Context,
  headers: Record<string, string | string[]>,
): Span {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT }, parent);
  propagation.inject(trace.setSpan(parent, span), headers);
  return span;
}

export function endSpan(span: Span, code: number, error?: string): void {
  span.setAttribute("http.response.status_code", code);
  if (error !== undefined || code >= 500) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      ...(error === undefined ? {} : { message: error }),
    });
  }
  span.end();
}
