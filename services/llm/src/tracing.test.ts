import { ROOT_CONTEXT, SpanStatusCode, context, propagation, trace } from "@opentelemetry/api";
import type {
  Context,
  Span,
  SpanContext,
  SpanStatus,
  TextMapPropagator,
  Tracer,
} from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withServerSpan } from "./tracing.js";

interface Recorded {
  name: string;
  parent: SpanContext | undefined;
  status?: SpanStatus;
  exceptions: unknown[];
  ended: boolean;
}

/** Reads `traceparent` the W3C way (version-traceid-spanid-flags); enough for the test. */
const w3c: TextMapPropagator = {
  inject() {},
  extract(ctx: Context, carrier: unknown) {
    const header = (carrier as Record<string, string | undefined>).traceparent;
    const [, traceId, spanId] = header?.split("-") ?? [];
    if (!traceId || !spanId) return ctx;
    return trace.setSpanContext(ctx, { traceId, spanId, traceFlags: 1, isRemote: true });
  },
  fields: () => ["traceparent"],
};

/** A tracer that records spans in memory (a small fake standing in for the SDK). */
function recordingTracer(spans: Recorded[]): Tracer {
  const startSpan = (name: string, _options?: unknown, ctx: Context = context.active()): Span => {
    const record: Recorded = {
      name,
      parent: trace.getSpanContext(ctx),
      exceptions: [],
      ended: false,
    };
    spans.push(record);
    const span = {
      spanContext: () => ({
        traceId: record.parent?.traceId ?? "0".repeat(32),
        spanId: "1".repeat(16),
        traceFlags: 1,
      }),
      setStatus: (status: SpanStatus) => ((record.status = status), span),
      recordException: (e: unknown) => void record.exceptions.push(e),
      end: () => void (record.ended = true),
      isRecording: () => true,
    };
    return span as unknown as Span;
  };
  return {
    startSpan,
    startActiveSpan: (name: string, options: unknown, ctx: Context, fn: (span: Span) => unknown) =>
      fn(startSpan(name, options, ctx)),
  } as unknown as Tracer;
}

describe("withServerSpan", () => {
  const spans: Recorded[] = [];
  beforeAll(() => {
    propagation.setGlobalPropagator(w3c);
    trace.setGlobalTracerProvider({ getTracer: () => recordingTracer(spans) });
  });
  afterAll(() => {
    propagation.disable();
    trace.disable();
  });

  it("when the caller sends a traceparent, the request's span continues that trace and ends", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const headers = { traceparent: `00-${traceId}-00f067aa0ba902b7-01` };

    const result = await withServerSpan("llm /v1/classify", headers, () => Promise.resolve(42));

    expect(result).toBe(42);
    expect(spans.at(-1)).toMatchObject({
      name: "llm /v1/classify",
      parent: { traceId, spanId: "00f067aa0ba902b7" },
      ended: true,
    });
  });

  it("when there is no trace context, the span starts a new trace", async () => {
    await withServerSpan("llm /v1/completions", {}, () => Promise.resolve());

    expect(spans.at(-1)!.parent).toBeUndefined();
    expect(trace.getSpanContext(ROOT_CONTEXT)).toBeUndefined();
  });

  it("when the work fails, the span records the error, is marked as an error and still ends", async () => {
    const failure = new Error("model not ready");

    await expect(
      withServerSpan("llm /v1/completions", {}, () => Promise.reject(failure)),
    ).rejects.toBe(failure);

    expect(spans.at(-1)).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      exceptions: [failure],
      ended: true,
    });
  });
});
