// Shadow traffic: a copy of the request goes to the mirror variant in the background. Its
// response is drained and dropped; only its status and latency are recorded. Nothing here
// is awaited by the primary request, and no failure here can reach it.
import type { Table, Variant } from "../config/compile.js";
import { callVariant } from "../upstream/call.js";
import type { UpstreamRequest } from "../upstream/send.js";
import type { RouterDeps } from "./deps.js";
import type { Exchange } from "./exchange.js";

export function sendMirror(
  deps: RouterDeps,
  exchange: Exchange,
  shadow: Variant,
  upstream: UpstreamRequest,
): void {
  const table = exchange.table as Table;
  const labels = { route: table.route, variant: shadow.name };
  const started = performance.now();
  const record = (code: number) => {
    deps.metrics.mirrorRequests.inc({ ...labels, code });
    deps.metrics.mirrorDuration.observe(labels, (performance.now() - started) / 1000);
  };
  const ctx = { table, pool: deps.pool, metrics: deps.metrics, trace: exchange.trace.context };
  callVariant(ctx, { label: shadow.name, endpoints: shadow.endpoints }, upstream).then(
    ({ response }) => {
      response.body.on("error", () => {});
      response.body.once("end", () => {
        record(response.statusCode);
      });
      response.body.resume();
    },
    () => {
      record(0);
    },
  );
}
