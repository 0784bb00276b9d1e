// OpenTelemetry through the API only: the process that embeds us installs the SDK and
// exporter; without one these calls are no-ops. The caller's W3C trace context
// (traceparent/tracestate) is continued, so router → encoder shows as one trace.
import type { Context, Span } from "@opentelemetry/api";
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from "@opentelemetry/api";
import type { IncomingHttpHeaders } from "node:http";

/** Looked up per span: cheap, and always the provider installed now. */
export function tracer() {
  return trace.getTracer("kubetune-encoder");
}

export function extractContext(headers: IncomingHttpHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

export function startServerSpan(name: string, parent: Context): Span {
  return tracer().startSpan(name, { kind: SpanKind.SERVER }, parent);
}

/** Runs `fn` in a child span of the active context, recording a failure on the span. */
export async function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

export function withSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), fn);
}
