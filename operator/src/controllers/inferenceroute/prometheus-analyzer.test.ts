import { describe, expect, it } from "vitest";
import { PrometheusAnalyzer, analysisQueries } from "./prometheus-analyzer.js";

const QUERY = { namespace: "ml", route: "arxiv", variant: "candidate", windowSeconds: 60 };

/** A fake Prometheus: answers each query with the first rule whose key the PromQL contains. */
function fakePrometheus(rules: [string, () => Response][]) {
  const asked: string[] = [];
  const fetcher = (url: string) => {
    const promql = new URL(url).searchParams.get("query") ?? "";
    asked.push(url);
    const rule = rules.find(([key]) => promql.includes(key));
    return Promise.resolve(rule ? rule[1]() : vector([]));
  };
  return { asked, fetcher };
}

function vector(values: string[]): Response {
  const result = values.map((v) => ({ metric: {}, value: [1_700_000_000, v] }));
  return Response.json({ status: "success", data: { resultType: "vector", result } });
}

describe("analysisQueries", () => {
  it("when built for a variant, selects its namespace, route and variant over the window", () => {
    const queries = analysisQueries(QUERY);

    expect(queries.errorRate).toBe(
      '(sum(rate(kubetune_router_requests_total{namespace="ml",route="arxiv",variant="candidate",code=~"5.."}[60s])) or vector(0)) / sum(rate(kubetune_router_requests_total{namespace="ml",route="arxiv",variant="candidate"}[60s]))',
    );
    expect(queries.p99LatencySeconds).toContain("histogram_quantile(0.99, sum by (le)");
    expect(queries.escalationRate).toContain("kubetune_router_escalations_total");
  });

  it("when a label value holds quotes or backslashes, escapes them", () => {
    const queries = analysisQueries({ ...QUERY, route: 'a"b\\c' }, "kubernetes_namespace");

    expect(queries.errorRate).toContain('kubernetes_namespace="ml",route="a\\"b\\\\c"');
  });
});

describe("PrometheusAnalyzer", () => {
  it("when Prometheus has the numbers, measures them; an empty answer is no data", async () => {
    const { asked, fetcher } = fakePrometheus([
      ["code=~", () => vector(["0.02"])],
      ["histogram_quantile", () => vector(["0.31"])],
    ]);
    const analyzer = new PrometheusAnalyzer({ url: "http://prom:9090/base" }, fetcher);

    const measurement = await analyzer.measure(QUERY);

    expect(measurement).toEqual({ errorRate: 0.02, p99LatencySeconds: 0.31 });
    expect(asked[0]).toMatch(/^http:\/\/prom:9090\/base\/api\/v1\/query\?query=/);
  });

  it("when a ratio has no traffic (NaN), reports no data rather than a number", async () => {
    const { fetcher } = fakePrometheus([["", () => vector(["NaN"])]]);

    const measurement = await new PrometheusAnalyzer({ url: "http://prom" }, fetcher).measure(
      QUERY,
    );

    expect(measurement).toEqual({});
  });

  it("when Prometheus refuses a query, fails with its reason", async () => {
    const refusal = Response.json(
      { status: "error", errorType: "bad_data", error: "parse error at char 4" },
      { status: 400 },
    );
    const { fetcher } = fakePrometheus([["", () => refusal.clone()]]);

    await expect(
      new PrometheusAnalyzer({ url: "http://prom" }, fetcher).measure(QUERY),
    ).rejects.toThrow("Prometheus answered error: parse error at char 4");
  });

  it("when Prometheus cannot be reached or answers something else, says which", async () => {
    const down = () => Promise.reject(new Error("connect ECONNREFUSED"));
    const html = () => Promise.resolve(new Response("<html>proxy</html>", { status: 502 }));

    await expect(
      new PrometheusAnalyzer({ url: "http://prom:9090" }, down).measure(QUERY),
    ).rejects.toThrow("Prometheus at http://prom:9090 is unreachable: Error: connect ECONNREFUSED");
    await expect(
      new PrometheusAnalyzer({ url: "http://prom" }, html).measure(QUERY),
    ).rejects.toThrow("Prometheus answered HTTP 502 with a body that is not JSON");
  });
});
