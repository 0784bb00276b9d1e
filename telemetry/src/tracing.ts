// Tracing for every kubetune process. W3C trace context is always propagated, so a
// request's trace id survives the hop through the operator, router, encoder and LLM even
// where nothing exports spans. Spans are exported over OTLP/HTTP only when the standard
// OpenTelemetry environment names a collector; otherwise they are never recorded, which
// costs next to nothing.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

export interface Tracing {
  /** Where spans go, or undefined when they are not exported. */
  readonly endpoint: string | undefined;
  /**
   * Flushes spans not yet sent (within OTEL_EXPORTER_OTLP_TIMEOUT) and unregisters the
   * global tracer, context and propagator. Never rejects.
   */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** The OTLP/HTTP traces URL the environment asks for, per the OpenTelemetry spec. */
export function tracesEndpoint(env: Env): string | undefined {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return undefined;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined;
}

/** The share of new traces sampled (OTEL_TRACES_SAMPLER_ARG), clamped to [0, 1]; default all. */
export function samplingRatio(env: Env): number {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? "1");
  return Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1;
}

/** How often batched spans are sent (OTEL_BSP_SCHEDULE_DELAY, ms); default 5 s as the spec says. */
export function scheduleDelayMs(env: Env): number {
  const ms = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  return Number.isFinite(ms) && ms > 0 ? ms : 5000;
}

/** How long one export may take (OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT, ms); default 10 s. */
function exportTimeoutMs(env: Env): number {
  const ms = Number(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT);
  return Number.isFinite(ms) && ms > 0 ? ms : 10_000;
}

export function startTracing(serviceName: string, env: Env = process.env): Tracing {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const endpoint = tracesEndpoint(env);
  const provider = endpoint
    ? new TracerProvider({
        resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME ?? serviceName }),
        // Callers that sampled a trace keep it sampled here; new traces follow the ratio.
        sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplingRatio(env)) }),
        spanProcessors: [
          new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: endpoint, timeoutMillis: exportTimeoutMs(env) }),
            // The SDK no longer reads OTEL_BSP_* itself; the standard setting still applies.
            scheduledDelayMillis: scheduleDelayMs(env),
          }),
        ],
      })
    : undefined;
  if (provider) trace.setGlobalTracerProvider(provider);
  return {
    endpoint,
    async shutdown() {
      try {
        await provider?.shutdown();
      } catch {
        // Spans are best effort: an unreachable collector must not fail a clean shutdown.
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}
