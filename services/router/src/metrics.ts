// Every metric of the router, in one place (kubetune_router_<noun>_<unit>). Labels are
// bounded: route (the InferenceRoute), variant, api (classify, chat_completions,
// completions), code, reason. These are what an A/B comparison and a rollout analysis read.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export class RouterMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "kubetune_router_requests_total",
    help: "Requests answered, by route, variant, API and status code.",
    labelNames: ["route", "variant", "api", "code"] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: "kubetune_router_request_duration_seconds",
    help: "Time from request to the end of the response, by route, variant and API.",
    labelNames: ["route", "variant", "api"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly documents = new Counter({
    name: "kubetune_router_documents_total",
    help: "Documents classified, by route and variant.",
    labelNames: ["route", "variant"] as const,
    registers: [this.registry],
  });

  readonly upstreamDuration = new Histogram({
    name: "kubetune_router_upstream_duration_seconds",
    help: "Time of one upstream call to its end, by route, variant and status code.",
    labelNames: ["route", "variant", "code"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: "kubetune_router_upstream_retries_total",
    help: "Upstream calls retried on another endpoint of the variant, by route and variant.",
    labelNames: ["route", "variant"] as const,
    registers: [this.registry],
  });

  readonly escalations = new Counter({
    name: "kubetune_router_escalations_total",
    help: "Documents the cascade sent to the LLM, by route and encoder variant.",
    labelNames: ["route", "variant"] as const,
    registers: [this.registry],
  });

  readonly skippedEscalations = new Counter({
    name: "kubetune_router_escalations_skipped_total",
    help: "Documents that needed escalation but kept the encoder answer, by reason.",
    labelNames: ["route", "variant", "reason"] as const,
    registers: [this.registry],
  });

  readonly mirrorRequests = new Counter({
    name: "kubetune_router_mirror_requests_total",
    help: "Shadow requests sent to the mirror variant, by route, variant and status code.",
    labelNames: ["route", "variant", "code"] as const,
    registers: [this.registry],
  });

  readonly mirrorDuration = new Histogram({
    name: "kubetune_router_mirror_duration_seconds",
    help: "Time of shadow requests to the mirror variant, by route and variant.",
    labelNames: ["route", "variant"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly variantWeight = new Gauge({
    name: "kubetune_router_variant_weight",
    help: "Percent of traffic applied to each variant by the routing table in force.",
    labelNames: ["route", "variant"] as const,
    registers: [this.registry],
  });

  readonly tableGeneration = new Gauge({
    name: "kubetune_router_table_generation",
    help: "Generation of the routing table in force.",
    registers: [this.registry],
  });

  readonly tableReloads = new Counter({
    name: "kubetune_router_table_reloads_total",
    help: "Routing-table loads by result (applied, rejected).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  /** One answered request: counted, and timed from `started` (a performance.now()). */
  countRequest(
    labels: { route: string; variant: string; api: string; code: number },
    started: number,
  ): void {
    this.requests.inc(labels);
    const { route, variant, api } = labels;
    this.requestDuration.observe({ route, variant, api }, (performance.now() - started) / 1000);
  }

  /** One upstream call, timed from `started` (a performance.now()). */
  observeUpstream(route: string, variant: string, code: number, started: number): void {
    this.upstreamDuration.observe({ route, variant, code }, (performance.now() - started) / 1000);
  }

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: "kubetune_router_" });
    }
  }

  /** Replaces the weight gauges with the variants of a newly applied table. */
  applied(route: string, generation: number, weights: readonly { name: string; weight: number }[]) {
    this.variantWeight.reset();
    for (const { name, weight } of weights)
      this.variantWeight.set({ route, variant: name }, weight);
    this.tableGeneration.set(generation);
    this.tableReloads.inc({ result: "applied" });
  }
}
