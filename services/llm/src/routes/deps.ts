import type { ModelHost } from "../host.js";
import type { LlmMetrics } from "../metrics.js";
import type { Limits } from "../openai/validate.js";

/** What the routes need; built by server.ts, or by a test around a loaded host. */
export interface AppDeps {
  host: ModelHost;
  metrics: LlmMetrics;
  limits: Limits;
  timeoutMs: number;
  retryAfterSeconds: number;
  /** Largest accepted JSON body, e.g. "4mb". */
  bodyLimit: string;
}
