// The rollout analysis's PromQL, evaluated by Prometheus's own engine (promtool test
// rules, from the Debian package) over synthetic router series: the error rate is the 5xx
// share and 0 (not "no data") while no request has failed, the escalation rate likewise,
// p99 comes from the histogram, and a variant without traffic has no data at all.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { analysisQueries } from "../../src/controllers/inferenceroute/prometheus-analyzer.js";

const dir = mkdtempSync(join(tmpdir(), "kubetune-promql-"));
const labels = 'namespace="ml",route="arxiv",variant="candidate"';
const queries = analysisQueries({
  ...{ namespace: "ml", route: "arxiv", variant: "candidate" },
  windowSeconds: 60,
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Series {
  series: string;
  /** promtool's expanding notation: start+step x count, one sample per 15 s. */
  values: string;
}

/** Runs one promtool test case: each expression's value at 5m, or [] for no data. */
function evaluate(series: Series[], expected: [string, number[]][]) {
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.yml`);
  const tests = {
    rule_files: [],
    evaluation_interval: "15s",
    tests: [
      {
        interval: "15s",
        input_series: series,
        promql_expr_test: expected.map(([expr, values]) => ({
          expr,
          eval_time: "5m",
          exp_samples: values.map((value) => ({ labels: "{}", value })),
        })),
      },
    ],
  };
  writeFileSync(file, stringify(tests));
  const result = spawnSync("promtool", ["test", "rules", file], { encoding: "utf8" });
  if (result.error)
    throw new Error(`cannot run promtool (apt-get install -y prometheus): ${result.error.message}`);
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

// Per 15 s: 15 requests (1/s), of which the 5xx series gets 1.5 (0.1/s).
const ok = {
  series: `kubetune_router_requests_total{${labels},api="classify",code="200"}`,
  values: "0+15x40",
};
const failed = {
  series: `kubetune_router_requests_total{${labels},api="classify",code="502"}`,
  values: "0+1.5x40",
};

describe("the rollout analysis's PromQL in Prometheus", () => {
  it("when some candidate requests fail, the error rate is their share", () => {
    const { code, output } = evaluate([ok, failed], [[queries.errorRate, [0.09090909090909091]]]);

    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("when no candidate request has failed yet, the error rate is 0, not no data", () => {
    const { code, output } = evaluate([ok], [[queries.errorRate, [0]]]);

    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("when the candidate had no traffic, every measure is no data", () => {
    const other = { ...ok, series: ok.series.replace('variant="candidate"', 'variant="stable"') };
    const { code, output } = evaluate(
      [other],
      [
        [queries.errorRate, []],
        [queries.p99LatencySeconds, []],
        [queries.escalationRate, []],
      ],
    );

    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });

  it("when documents flow and none escalated, the escalation rate is 0; p99 comes from the buckets", () => {
    const bucket = (le: string, values: string) => ({
      series: `kubetune_router_request_duration_seconds_bucket{${labels},api="classify",le="${le}"}`,
      values,
    });
    const { code, output } = evaluate(
      [
        { series: `kubetune_router_documents_total{${labels}}`, values: "0+15x40" },
        bucket("0.1", "0+15x40"),
        bucket("0.5", "0+15x40"),
        bucket("+Inf", "0+15x40"),
      ],
      [
        [queries.escalationRate, [0]],
        // Every request in the lowest bucket: linear interpolation gives 0.99 of 0.1.
        [queries.p99LatencySeconds, [0.099]],
      ],
    );

    expect(output).toContain("SUCCESS");
    expect(code).toBe(0);
  });
});
