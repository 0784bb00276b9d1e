// Trace context through the router, with a small in-memory tracer and a W3C traceparent
// propagator registered through the OpenTelemetry API (as an SDK would register its own):
// the server span continues the caller's trace, and the upstream call carries a child.
import { randomBytes } from "node:crypto";
import { ROOT_CONTEXT, SpanKind, propagation, trace } from "@opentelemetry/api";
import type {
  Context,
  Span,
  SpanContext,
  TextMapPropagator,
  Tracer,
  TracerProvider,
} from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { startTestRouter } from "./harness.js";
import { tableDocument } from "./tables.js";

interface Recorded {
  name: string;
  kind: SpanKind | undefined;
  parentSpanId: string | undefined;
  context: SpanContext;
}

const recorded: Recorded[] = [];

const traceparent: TextMapPropagator = {
  inject(context, carrier: Record<string, unknown>) {
    const span = trace.getSpanContext(context);
    if (span) carrier.traceparent = `00-${span.traceId}-${span.spanId}-01`;
  },
  extract(context, carrier: Record<string, unknown>) {
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(carrier.traceparent));
    if (!match) return context;
    return trace.setSpanContext(context, {
      traceId: match[1]!,
      spanId: match[2]!,
      traceFlags: 1,
      isRemote: true,
    });
  },
  fields: () => ["traceparent"],
};

const tracer: Tracer = {
  startSpan(name, options, context: Context = ROOT_CONTEXT): Span {
    const parent = trace.getSpanContext(context);
    const spanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: 1,
    };
    recorded.push({
      name,
      kind: options?.kind,
      parentSpanId: parent?.spanId,
      context: spanContext,
    });
    return trace.wrapSpanContext(spanContext);
  },
  startActiveSpan: () => {
    throw new Error("not used by the router");
  },
};

const provider: TracerProvider = { getTracer: () => tracer };

let backend: Backend;

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(traceparent);
  backend = await startBackend({ name: "b" });
});

afterAll(async () => {
  await backend.close();
  trace.disable();
  propagation.disable();
});

describe("trace context", () => {
  it("when a request carries a traceparent, the backend receives a child of the router's span in the same trace", async () => {
    const router = await startTestRouter(
      tableDocument([{ name: "stable", weight: 100, endpoints: [backend.url] }]),
    );
    const callerSpan = "b7ad6b7169203331";

    const response = await router.post(
      "/v1/completions",
      { prompt: "p" },
      {
        traceparent: `00-0af7651916cd43dd8448eb211c80319c-${callerSpan}-01`,
      },
    );
    await response.arrayBuffer();
    await router.close();

    const server = recorded.find((s) => s.name === "router completions");
    const client = recorded.find((s) => s.name === "upstream POST /v1/completions");
    expect(server).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: callerSpan });
    expect(client).toMatchObject({ kind: SpanKind.CLIENT, parentSpanId: server?.context.spanId });
    expect(backend.received.at(-1)?.headers.traceparent).toBe(
      `00-0af7651916cd43dd8448eb211c80319c-${client?.context.spanId}-01`,
    );
  });
});
