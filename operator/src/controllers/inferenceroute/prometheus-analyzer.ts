// Rollout analysis from Prometheus: the candidate variant's error rate, p99 latency and
// (with a cascade) escalation rate over the analysis window, read from the router's
// metrics as Prometheus scraped them from the route's router pods. Instant queries over
// the HTTP API; a query whose answer is empty or NaN (no traffic yet) is "no data", which
// the verdict counts as a failed check rather than a pass.
import type { AnalysisQuery, Measurement, RolloutAnalyzer } from "./analysis.js";

type Fetch = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface PrometheusSettings {
  /** The Prometheus base URL, e.g. http://prometheus.monitoring:9090 */
  url: string;
  timeoutMs?: number;
  /** The label Prometheus puts a scraped pod's namespace under (kubernetes_sd relabelling). */
  namespaceLabel?: string;
}

interface InstantVector {
  status: string;
  error?: string;
  data?: { resultType: string; result: { value: [number, string] }[] };
}

/** PromQL label values are double-quoted strings: escape what would end them. */
function quote(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** The three PromQL expressions for one variant of one route over `windowSeconds`. */
export function analysisQueries(query: AnalysisQuery, namespaceLabel = "namespace") {
  const selector = `${namespaceLabel}=${quote(query.namespace)},route=${quote(query.route)},variant=${quote(query.variant)}`;
  const window = `[${Math.max(1, Math.round(query.windowSeconds))}s]`;
  const rate = (metric: string, extra = "") => `sum(rate(${metric}{${selector}${extra}}${window}))`;
  // A counter series exists only once it moved: with no 5xx (or no escalation) yet, the
  // numerator is empty and the share would be "no data"; `or vector(0)` makes it 0. An
  // empty denominator (no traffic) stays no data.
  const share = (part: string, whole: string) => `(${part} or vector(0)) / ${whole}`;
  return {
    errorRate: share(
      rate("kubetune_router_requests_total", ',code=~"5.."'),
      rate("kubetune_router_requests_total"),
    ),
    p99LatencySeconds: `histogram_quantile(0.99, sum by (le) (rate(kubetune_router_request_duration_seconds_bucket{${selector}}${window})))`,
    escalationRate: share(
      rate("kubetune_router_escalations_total"),
      rate("kubetune_router_documents_total"),
    ),
  };
}

/** The single sample of an instant-vector answer; undefined when empty or not a number. */
export function sampleOf(answer: InstantVector): number | undefined {
  if (answer.status !== "success") {
    throw new Error(`Prometheus answered ${answer.status}: ${answer.error ?? "no reason given"}`);
  }
  const raw = answer.data?.result[0]?.value[1];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export class PrometheusAnalyzer implements RolloutAnalyzer {
  private readonly base: URL;

  constructor(
    private readonly settings: PrometheusSettings,
    private readonly fetcher: Fetch = fetch,
  ) {
    // A trailing slash, so a path prefix (…/prometheus) is kept when the API path resolves.
    this.base = new URL(settings.url.endsWith("/") ? settings.url : `${settings.url}/`);
  }

  async measure(query: AnalysisQuery): Promise<Measurement> {
    const queries = analysisQueries(query, this.settings.namespaceLabel);
    const [errorRate, p99LatencySeconds, escalationRate] = await Promise.all([
      this.instant(queries.errorRate),
      this.instant(queries.p99LatencySeconds),
      this.instant(queries.escalationRate),
    ]);
    return {
      ...(errorRate === undefined ? {} : { errorRate }),
      ...(p99LatencySeconds === undefined ? {} : { p99LatencySeconds }),
      ...(escalationRate === undefined ? {} : { escalationRate }),
    };
  }

  private async instant(promql: string): Promise<number | undefined> {
    const url = new URL("api/v1/query", this.base);
    url.searchParams.set("query", promql);
    const signal = AbortSignal.timeout(this.settings.timeoutMs ?? 5_000);
    let response: Response;
    try {
      response = await this.fetcher(url.toString(), { signal });
    } catch (error) {
      throw new Error(`Prometheus at ${this.base.origin} is unreachable: ${String(error)}`, {
        cause: error,
      });
    }
    const text = await response.text();
    let answer: InstantVector;
    try {
      answer = JSON.parse(text) as InstantVector;
    } catch (error) {
      throw new Error(`Prometheus answered HTTP ${response.status} with a body that is not JSON`, {
        cause: error,
      });
    }
    return sampleOf(answer);
  }
}
