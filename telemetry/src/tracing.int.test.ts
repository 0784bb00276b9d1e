// The real OTLP/HTTP exporter against a small real receiver on loopback.
import { context, propagation, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { startOtlpReceiver as receiver } from "../../e2e/support/otlp-receiver.js";
import { startTracing } from "./tracing.js";
import type { Tracing } from "./tracing.js";

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
});

describe("startTracing", () => {
  it("when the collector is unreachable, shuts down cleanly", async () => {
    tracing = startTracing("kubetune-test", {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
      OTEL_EXPORTER_OTLP_TIMEOUT: "300",
    });
    trace.getTracer("test").startSpan("lost").end();

    await expect(tracing.shutdown()).resolves.toBeUndefined();
    tracing = undefined;
  });

  it("when a collector is configured, exports spans with the service name over OTLP/HTTP", async () => {
    const collector = await receiver();
    tracing = startTracing("kubetune-test", { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });

    trace.getTracer("test").startActiveSpan("reconcile finetunejob", (span) => {
      span.setAttribute("kubetune.key", "ml/ftj-a");
      span.end();
    });
    await tracing.shutdown();
    tracing = undefined;
    await collector.close();

    expect(collector.received.map((r) => r.path)).toEqual(["/v1/traces"]);
    const body = collector.received[0]?.body ?? "";
    expect(body).toContain('"reconcile finetunejob"');
    expect(body).toContain('"kubetune-test"');
    expect(body).toContain('"ml/ftj-a"');
  });

  it("when a caller sends a traceparent, spans continue the caller's trace", async () => {
    const collector = await receiver();
    tracing = startTracing("kubetune-test", { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const incoming = propagation.extract(context.active(), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });

    const span = trace.getTracer("test").startSpan("handle", {}, incoming);
    span.end();

    await tracing.shutdown();
    tracing = undefined;
    await collector.close();

    expect(span.spanContext().traceId).toBe(traceId);
    expect(collector.received[0]?.body).toContain(traceId);
  });

  it("when no collector is configured, records nothing but still passes trace context on", () => {
    tracing = startTracing("kubetune-test", {});
    const incoming = propagation.extract(context.active(), {
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    });
    const outgoing: Record<string, string> = {};

    const span = trace.getTracer("test").startSpan("handle", {}, incoming);
    propagation.inject(trace.setSpan(incoming, span), outgoing);

    expect(tracing.endpoint).toBeUndefined();
    expect(span.isRecording()).toBe(false);
    expect(outgoing.traceparent).toContain("4bf92f3577b34da6a3ce929d0e0e4736");
  });
});
