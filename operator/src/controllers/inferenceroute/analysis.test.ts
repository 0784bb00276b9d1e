import { describe, expect, it } from "vitest";
import { evaluate, hasThresholds } from "./analysis.js";

describe("evaluate", () => {
  it.each([
    ["every number within its threshold", { errorRate: 0.005, p99LatencySeconds: 0.2 }, true],
    ["the error rate above its threshold", { errorRate: 0.02, p99LatencySeconds: 0.2 }, false],
    ["p99 latency above its threshold", { errorRate: 0, p99LatencySeconds: 0.3 }, false],
    ["no data for a threshold", { errorRate: 0 }, false],
    ["a NaN (no requests at all)", { errorRate: Number.NaN, p99LatencySeconds: 0.1 }, false],
  ])("when %s, passed is %s", (_s, measurement, passed) => {
    const verdict = evaluate(measurement, { maxErrorRate: "0.01", maxP99LatencySeconds: "0.25" });

    expect(verdict.passed).toBe(passed);
  });

  it("when the cascade's escalation rate is limited, checks it too", () => {
    const verdict = evaluate({ escalationRate: 0.4 }, { maxEscalationRate: "0.2" });

    expect(verdict).toEqual({ passed: false, message: "escalation rate 0.4 exceeds 0.2" });
  });

  it("when no threshold is set, there is nothing to check", () => {
    expect(hasThresholds({ interval: "30s" })).toBe(false);
    expect(hasThresholds(undefined)).toBe(false);
    expect(hasThresholds({ maxErrorRate: "0.01" })).toBe(true);
  });
});
