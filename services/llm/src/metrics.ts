// Every metric of the LLM service (kubetune_llm_<noun>_<unit>). Labels are bounded: the
// served model, the adapter ("" for the base), the endpoint and the status code.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface LoadState {
  /** Requests waiting for a sequence, across variants. */
  waiting(): number;
  /** Sequences generating right now, across variants. */
  inFlight(): number;
  ready(): boolean;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class LlmMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "kubetune_llm_requests_total",
    help: "Requests by endpoint, model, adapter and status code.",
    labelNames: ["endpoint", "model", "adapter", "code"] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: "kubetune_llm_request_duration_seconds",
    help: "Time from request to the end of the response, by endpoint and status code.",
    labelNames: ["endpoint", "code"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly promptTokens = new Counter({
    name: "kubetune_llm_prompt_tokens_total",
    help: "Prompt tokens evaluated, by model and adapter.",
    labelNames: ["model", "adapter"] as const,
    registers: [this.registry],
  });

  readonly completionTokens = new Counter({
    name: "kubetune_llm_completion_tokens_total",
    help: "Tokens generated, by model and adapter.",
    labelNames: ["model", "adapter"] as const,
    registers: [this.registry],
  });

  readonly tokensPerSecond = new Histogram({
    name: "kubetune_llm_generation_tokens_per_second",
    help: "Generation speed of one request after its first token, by model and adapter.",
    labelNames: ["model", "adapter"] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [this.registry],
  });

  readonly timeToFirstToken = new Histogram({
    name: "kubetune_llm_time_to_first_token_seconds",
    help: "Time from the start of evaluation to the first generated token, by model and adapter.",
    labelNames: ["model", "adapter"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly queueWait = new Histogram({
    name: "kubetune_llm_queue_wait_seconds",
    help: "Time a request waited for a free sequence.",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(state: LoadState) {
    new Gauge({
      name: "kubetune_llm_queue_depth",
      help: "Requests waiting for a free sequence.",
      registers: [this.registry],
      collect() {
        this.set(state.waiting());
      },
    });
    new Gauge({
      name: "kubetune_llm_inflight_sequences",
      help: "Sequences generating right now.",
      registers: [this.registry],
      collect() {
        this.set(state.inFlight());
      },
    });
    new Gauge({
      name: "kubetune_llm_model_ready",
      help: "1 when the model is loaded and serving, else 0.",
      registers: [this.registry],
      collect() {
        this.set(state.ready() ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "kubetune_llm_" });
  }
}
