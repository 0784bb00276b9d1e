// The encoder uses only the OpenTelemetry API; the SDK is installed by whoever runs it.
// These tests install the smallest API implementations that record what the encoder
// asks for: a traceparent propagator and a tracer that remembers each span's parent.
import type {
  Context,
  Span,
  SpanContext,
  TextMapPropagator,
  Tracer,
  TracerProvider,
} from "@opentelemetry/api";
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, propagation, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";

const traceparentPropagator: TextMapPropagator = {
  inject: () => undefined,
  extract(context, carrier) {
    const header = (carrier as Record<string, string | undefined>).traceparent ?? "";
    const [, traceId, spanId] = header.split("-");
    if (!traceId || !spanId) return context;
    return trace.setSpanContext(context, { traceId, spanId, traceFlags: 1, isRemote: true });
  },
  fields: () => ["traceparent"],
};

function recordingProvider(
  started: { name: string; parent: SpanContext | undefined }[],
): TracerProvider {
  const tracer = {
    startSpan(name: string, _options?: unknown, context?: Context): Span {
      started.push({ name, parent: context ? trace.getSpanContext(context) : undefined });
      return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    },
  } as unknown as Tracer;
  return { getTracer: () => tracer };
}

afterEach(() => {
  propagation.disable();
  trace.disable();
});

describe("tracing", () => {
  it("when a request carries a W3C traceparent, its server span continues the caller's trace", async () => {
    const started: { name: string; parent: SpanContext | undefined }[] = [];
    propagation.setGlobalPropagator(traceparentPropagator);
    trace.setGlobalTracerProvider(recordingProvider(started));
    // Imported after the provider is set, as in a process whose SDK starts first.
    const { extractContext, startServerSpan } = await import("./tracing.js");

    startServerSpan(
      "POST /v1/classify",
      extractContext({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` }),
    );

    expect(started).toEqual([
      {
        name: "POST /v1/classify",
        parent: expect.objectContaining({ traceId: TRACE_ID, spanId: PARENT_ID }),
      },
    ]);
  });

  it("when a request carries no trace context, its server span starts a new trace", async () => {
    const started: { name: string; parent: SpanContext | undefined }[] = [];
    propagation.setGlobalPropagator(traceparentPropagator);
    trace.setGlobalTracerProvider(recordingProvider(started));
    const { extractContext, startServerSpan } = await import("./tracing.js");

    startServerSpan("POST /v1/classify", extractContext({}));

    expect(started).toEqual([{ name: "POST /v1/classify", parent: undefined }]);
    expect(extractContext({})).toBe(ROOT_CONTEXT);
  });
});
