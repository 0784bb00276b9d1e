// What the router says about itself: the table in force (/v1/routes, for the operator to
// verify applied weights), Open Inference Protocol v2 health and model metadata, /metrics.
import type { ServerResponse } from "node:http";
import type { RouterDeps } from "./deps.js";
import { GENERATION_HEADER } from "./exchange.js";
import { sendJson } from "./respond.js";

function routes(deps: RouterDeps, res: ServerResponse): void {
  const table = deps.tables.current();
  const status = deps.tables.status();
  const headers = table ? { [GENERATION_HEADER]: String(table.generation) } : {};
  sendJson(res, table ? 200 : 503, { ...status, table: table?.source ?? null }, headers);
}

function ready(deps: RouterDeps, res: ServerResponse): void {
  const table = deps.tables.current();
  if (table) sendJson(res, 200, { ready: true });
  else sendJson(res, 503, { ready: false, error: deps.tables.status().lastError ?? "no table" });
}

function model(deps: RouterDeps, res: ServerResponse, name: string): void {
  const table = deps.tables.current();
  if (table?.model !== name) {
    sendJson(res, 404, { error: `model ${name} is not served by this router` });
    return;
  }
  sendJson(res, 200, {
    name,
    versions: table.variants.map((v) => v.version),
    platform: "kubetune-router",
    route: table.route,
    generation: table.generation,
  });
}

function metrics(deps: RouterDeps, res: ServerResponse): void {
  deps.metrics.registry.metrics().then(
    (text) => {
      res.writeHead(200, { "content-type": deps.metrics.registry.contentType });
      res.end(text);
    },
    (error: unknown) => {
      sendJson(res, 500, { error: `metrics failed: ${String(error)}` });
    },
  );
}

/** Answers a GET for an info path; false when the path is not one. */
export function handleInfo(deps: RouterDeps, path: string, res: ServerResponse): boolean {
  if (path === "/v1/routes") routes(deps, res);
  else if (path === "/v2/health/live") sendJson(res, 200, { live: true });
  else if (path === "/v2/health/ready") ready(deps, res);
  else if (path === "/metrics") metrics(deps, res);
  else if (path.startsWith("/v2/models/")) model(deps, res, decodeURIComponent(path.slice(11)));
  else return false;
  return true;
}
