// Wiring, shared by the command and the tests: table source, metrics, pools, handler,
// server; and the stop sequence SIGTERM runs.
import { resolve } from "node:path";
import { createRouterApp } from "./app.js";
import { BudgetRegistry } from "./cascade/budgets.js";
import type { Table } from "./config/compile.js";
import { TableSource } from "./config/source.js";
import type { Logger } from "./log.js";
import { RouterMetrics } from "./metrics.js";
import { listen } from "./server.js";
import type { RunningServer } from "./server.js";
import { EndpointPool } from "./upstream/endpoints.js";

export interface RouterOptions {
  readonly config: string;
  readonly port: number;
  readonly host: string;
  readonly log: Logger;
  readonly pollMs?: number;
  /** The token PUT /v1/routes needs (the operator's pushes); none: pushes are refused. */
  readonly adminToken?: string;
  readonly random?: () => number;
}

export interface Router {
  readonly port: number;
  readonly source: TableSource;
  readonly metrics: RouterMetrics;
  stop(graceMs?: number): Promise<void>;
}

function endpointsOf(table: Table): Set<string> {
  const all = table.variants.flatMap((v) => v.endpoints);
  return new Set([...all, ...(table.cascade?.escalateTo.endpoints ?? [])]);
}

export async function startRouter(options: RouterOptions): Promise<Router> {
  const metrics = new RouterMetrics();
  const pool = new EndpointPool();
  const source = new TableSource(resolve(options.config), {
    log: options.log,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    onApplied: (table) => {
      metrics.applied(table.route, table.generation, table.variants);
      pool.retain(endpointsOf(table));
    },
    onRejected: () => {
      metrics.tableReloads.inc({ result: "rejected" });
    },
  });
  await source.start();
  const app = createRouterApp({
    tables: source,
    pool,
    metrics,
    budgets: new BudgetRegistry(),
    log: options.log,
    adminToken: options.adminToken,
    random: options.random ?? Math.random,
  });
  let server: RunningServer;
  try {
    server = await listen(app, options.port, options.host);
  } catch (error) {
    source.stop();
    throw error;
  }
  return {
    port: server.port,
    source,
    metrics,
    stop: async (graceMs = 25_000) => {
      source.stop();
      await server.drain(graceMs);
      pool.destroy();
    },
  };
}
