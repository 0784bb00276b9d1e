// Every metric of the encoder, in one place (kubetune_<component>_<noun>_<unit>); labels
// stay bounded: model and version come from the loaded model, code from the response.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class EncoderMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "kubetune_encoder_requests_total",
    help: "Classification requests (/v1/classify and OIP infer) by model, version and HTTP status code.",
    labelNames: ["model", "version", "code"] as const,
    registers: [this.registry],
  });

  readonly documents = new Counter({
    name: "kubetune_encoder_documents_total",
    help: "Documents in classification requests by model, version and HTTP status code.",
    labelNames: ["model", "version", "code"] as const,
    registers: [this.registry],
  });

  readonly windows = new Counter({
    name: "kubetune_encoder_windows_total",
    help: "Token windows run through the model (long documents need several).",
    labelNames: ["model", "version"] as const,
    registers: [this.registry],
  });

  readonly tokens = new Counter({
    name: "kubetune_encoder_tokens_total",
    help: "Document tokens classified (before windowing).",
    labelNames: ["model", "version"] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: "kubetune_encoder_batch_size",
    help: "Windows per model run (micro-batching groups concurrent requests).",
    labelNames: ["model", "version"] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });

  readonly inferenceDuration = new Histogram({
    name: "kubetune_encoder_inference_duration_seconds",
    help: "Time of one batched model run.",
    labelNames: ["model", "version"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: "kubetune_encoder_request_duration_seconds",
    help: "Time from request to response of classification requests, by model, version and code.",
    labelNames: ["model", "version", "code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: "kubetune_encoder_queue_depth",
    help: "Windows waiting for a model run.",
    registers: [this.registry],
  });

  readonly modelLoaded = new Gauge({
    name: "kubetune_encoder_model_loaded",
    help: "1 once the model is loaded and warmed up, 0 before or after a failed load.",
    labelNames: ["model", "version"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "kubetune_encoder_" });
  }
}
