// Rollout analysis: the candidate's live numbers against the route's thresholds. Where
// the numbers come from (Prometheus) is behind RolloutAnalyzer; judging them is pure.
import type { InferenceRoute } from "@kubetune/api";

export interface Measurement {
  errorRate?: number;
  p99LatencySeconds?: number;
  escalationRate?: number;
}

export interface AnalysisQuery {
  namespace: string;
  route: string;
  variant: string;
  /** The window to measure over, in seconds: the analysis interval. */
  windowSeconds: number;
}

/** Measures a variant's live traffic; throws when the metrics cannot be read. */
export interface RolloutAnalyzer {
  measure(query: AnalysisQuery): Promise<Measurement>;
}

type Analysis = NonNullable<NonNullable<InferenceRoute["spec"]["rollout"]>["analysis"]>;

export interface Verdict {
  passed: boolean;
  message: string;
}

/** Whether the route asks for any check at all. */
export function hasThresholds(analysis: Analysis | undefined): boolean {
  return (
    analysis?.maxErrorRate !== undefined ||
    analysis?.maxP99LatencySeconds !== undefined ||
    analysis?.maxEscalationRate !== undefined
  );
}

const CHECKS = [
  { key: "errorRate", limit: "maxErrorRate", label: "error rate" },
  { key: "p99LatencySeconds", limit: "maxP99LatencySeconds", label: "p99 latency (s)" },
  { key: "escalationRate", limit: "maxEscalationRate", label: "escalation rate" },
] as const;

/** Every set threshold must hold; a threshold without a measurement fails (no data is no pass). */
export function evaluate(measurement: Measurement, analysis: Analysis | undefined): Verdict {
  const parts: string[] = [];
  let passed = true;
  for (const check of CHECKS) {
    const limit = analysis?.[check.limit];
    if (limit === undefined) continue;
    const value = measurement[check.key];
    const ok = value !== undefined && Number.isFinite(value) && value <= Number(limit);
    passed &&= ok;
    const shown = value === undefined ? "no data" : String(round(value));
    parts.push(`${check.label} ${shown} ${ok ? "<=" : "exceeds"} ${limit}`);
  }
  return { passed, message: parts.join("; ") || "no thresholds set" };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
