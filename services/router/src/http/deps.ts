// What the request handlers need, passed in rather than imported, so tests build their own.
import type { Table } from "../config/compile.js";
import type { Offer, TableStatus } from "../config/source.js";
import type { BudgetRegistry } from "../cascade/budgets.js";
import type { Logger } from "../log.js";
import type { RouterMetrics } from "../metrics.js";
import type { EndpointPool } from "../upstream/endpoints.js";

export interface RouterDeps {
  readonly tables: {
    current(): Table | undefined;
    status(): TableStatus;
    offer(text: string): Promise<Offer>;
  };
  /** The token PUT /v1/routes needs; undefined: pushes are refused. */
  readonly adminToken: string | undefined;
  readonly pool: EndpointPool;
  readonly metrics: RouterMetrics;
  readonly budgets: BudgetRegistry;
  readonly log: Logger;
  readonly random: () => number;
}

export type Api = "classify" | "chat_completions" | "completions";

/** Largest request body accepted; /v1/classify's own limits are far inside it. */
export const REQUEST_BODY_LIMIT = 64 * 1024 * 1024;
/** Largest buffered (classify) response accepted from a backend. */
export const RESPONSE_BODY_LIMIT = 64 * 1024 * 1024;
