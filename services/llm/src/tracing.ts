// OpenTelemetry through the API only: the caller's W3C trace context is extracted with
// whatever propagator the process registered (the SDK wiring lives outside this
// package), and each request runs in a server span under it. Without an SDK these are no-ops.
import { SpanKind, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/api";
import type { IncomingHttpHeaders } from "node:http";

const tracer = trace.getTracer("kubetune-llm");

/** Runs `work` in a server span that continues the trace named by the request headers. */
export function withServerSpan<T>(
  name: string,
  headers: IncomingHttpHeaders,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return tracer.startActiveSpan(name, { kind: SpanKind.SERVER }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
