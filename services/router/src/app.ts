// The router's request handler, without listen(): dispatch by path, read the body, choose
// the variant, mirror, forward, and answer every failure as JSON. Tests and server.ts
// mount it on their own node:http server.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleClassify, parseClassifyRequest } from "./http/classify.js";
import type { Api, RouterDeps } from "./http/deps.js";
import { REQUEST_BODY_LIMIT } from "./http/deps.js";
import { Exchange } from "./http/exchange.js";
import { handleInfo } from "./http/info.js";
import { handleTablePush } from "./http/table-push.js";
import { sendMirror } from "./http/mirror.js";
import { relayStream, upstreamRequest } from "./http/passthrough.js";
import { HttpError, readRequestBody, sendError, sendJson } from "./http/respond.js";
import { mirrorVariant, pickVariant } from "./routing/pick-variant.js";
import { callVariant } from "./upstream/call.js";

const PROXY_PATHS: ReadonlyMap<string, Api> = new Map([
  ["/v1/classify", "classify"],
  ["/v1/chat/completions", "chat_completions"],
  ["/v1/completions", "completions"],
] as const);

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRouterApp(deps: RouterDeps): RequestHandler {
  return (req, res) => {
    const url = req.url ?? "/";
    const path = url.split("?", 1)[0] ?? "/";
    const api = PROXY_PATHS.get(path);
    if (api === undefined) {
      if (req.method === "GET" && handleInfo(deps, path, res)) return;
      if (req.method === "PUT" && path === "/v1/routes") {
        handleTablePush(deps, req, res);
        return;
      }
      sendJson(res, 404, { error: `no route for ${req.method ?? ""} ${path}` });
      return;
    }
    if (req.method !== "POST") {
      sendJson(res, 405, { error: `${path} accepts POST only` }, { allow: "POST" });
      return;
    }
    const exchange = new Exchange(req, res, api, deps.tables.current());
    exchange.recordOnClose(deps.metrics);
    route(deps, exchange, url).catch((error: unknown) => {
      sendError(res, error, exchange.routedHeaders());
    });
  };
}

async function route(deps: RouterDeps, exchange: Exchange, url: string): Promise<void> {
  const { table } = exchange;
  if (!table) {
    const reason = deps.tables.status().lastError ?? "not loaded yet";
    throw new HttpError(503, `no routing table in force: ${reason}`);
  }
  const body = await readRequestBody(exchange.req, REQUEST_BODY_LIMIT);
  const request = exchange.api === "classify" ? parseClassifyRequest(body) : undefined;
  const choice = pickVariant(table, exchange.req.headers, deps.random);
  if (!choice) throw new HttpError(503, `route ${table.route} has no variant with weight above 0`);
  exchange.variant = choice.variant;
  const upstream = upstreamRequest(exchange, body, url);
  const shadow = mirrorVariant(table, choice.variant, deps.random());
  if (shadow) sendMirror(deps, exchange, shadow, upstream);
  if (request) {
    await handleClassify(deps, exchange, request, upstream);
    return;
  }
  const ctx = { table, pool: deps.pool, metrics: deps.metrics, trace: exchange.trace.context };
  const target = { label: choice.variant.name, endpoints: choice.variant.endpoints };
  relayStream(exchange, await callVariant(ctx, target, upstream));
}
