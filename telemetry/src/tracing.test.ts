import { describe, expect, it } from "vitest";
import { samplingRatio, scheduleDelayMs, tracesEndpoint } from "./tracing.js";

describe("tracesEndpoint", () => {
  it.each([
    ["nothing set", {}, undefined],
    [
      "a base endpoint",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" },
      "http://c:4318/v1/traces",
    ],
    [
      "a base endpoint with a trailing slash",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" },
      "http://c:4318/v1/traces",
    ],
    [
      "a traces endpoint, used as it is",
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:9/traces",
      },
      "http://t:9/traces",
    ],
    [
      "the exporter turned off",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" },
      undefined,
    ],
    [
      "the SDK disabled",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" },
      undefined,
    ],
  ])("when the environment has %s, exports to %s", (_case, env, expected) => {
    expect(tracesEndpoint(env)).toBe(expected);
  });
});

describe("samplingRatio", () => {
  it.each([
    [undefined, 1],
    ["0.25", 0.25],
    ["7", 1],
    ["-1", 0],
    ["half", 1],
  ])("when OTEL_TRACES_SAMPLER_ARG is %s, samples %s of new traces", (arg, expected) => {
    expect(samplingRatio({ OTEL_TRACES_SAMPLER_ARG: arg })).toBe(expected);
  });
});

describe("scheduleDelayMs", () => {
  it.each([
    [undefined, 5000],
    ["200", 200],
    ["0", 5000],
    ["soon", 5000],
  ])("when OTEL_BSP_SCHEDULE_DELAY is %s, sends batches every %s ms", (value, expected) => {
    expect(scheduleDelayMs({ OTEL_BSP_SCHEDULE_DELAY: value })).toBe(expected);
  });
});
