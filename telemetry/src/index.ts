// @kubetune/telemetry: what every kubetune process shares for observability.
export { samplingRatio, scheduleDelayMs, startTracing, tracesEndpoint } from "./tracing.js";
export type { Tracing } from "./tracing.js";
