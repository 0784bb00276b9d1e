// Every metric of the operator runtime, in one place (kueue's naming: kubetune_<component>_<noun>_<unit>).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { QueueMetrics } from "./workqueue.js";

export class OperatorMetrics {
  readonly registry = new Registry();

  readonly reconcileTotal = new Counter({
    name: "kubetune_operator_reconcile_total",
    help: "Reconciles by controller and result (success, error, requeue).",
    labelNames: ["controller", "result"] as const,
    registers: [this.registry],
  });

  readonly reconcileDuration = new Histogram({
    name: "kubetune_operator_reconcile_duration_seconds",
    help: "Time spent in one reconcile, by controller.",
    labelNames: ["controller"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: "kubetune_operator_workqueue_depth",
    help: "Keys waiting in the work queue, by controller.",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });

  readonly queueAdds = new Counter({
    name: "kubetune_operator_workqueue_adds_total",
    help: "Keys added to the work queue, by controller.",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });

  readonly queueRetries = new Counter({
    name: "kubetune_operator_workqueue_retries_total",
    help: "Keys re-queued after an error or with a delay, by controller.",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });

  readonly queueLatency = new Histogram({
    name: "kubetune_operator_workqueue_queue_duration_seconds",
    help: "Time a key waits in the work queue before a worker takes it, by controller.",
    labelNames: ["controller"] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 60],
    registers: [this.registry],
  });

  readonly apiWrites = new Counter({
    name: "kubetune_operator_api_writes_total",
    help: "Writes the operator sent to the API server, by verb (apply, create, status, delete, event).",
    labelNames: ["verb"] as const,
    registers: [this.registry],
  });

  readonly leader = new Gauge({
    name: "kubetune_operator_leader",
    help: "1 while this replica holds the leader lease.",
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "kubetune_operator_" });
  }

  queueMetrics(controller: string): QueueMetrics {
    return {
      depth: (n) => {
        this.queueDepth.set({ controller }, n);
      },
      added: () => {
        this.queueAdds.inc({ controller });
      },
      retried: () => {
        this.queueRetries.inc({ controller });
      },
      latency: (seconds) => {
        this.queueLatency.observe({ controller }, seconds);
      },
      workDuration: () => undefined,
    };
  }
}
