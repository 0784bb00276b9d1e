// One client request from arrival to the end of its response: its table, API, chosen
// variant and span, and the request metrics recorded once when the response closes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CLASSIFY_HEADERS } from "@kubetune/api";
import type { Table, Variant } from "../config/compile.js";
import type { RouterMetrics } from "../metrics.js";
import type { RequestSpan } from "../tracing.js";
import { endSpan, startRequestSpan } from "../tracing.js";
import type { Api } from "./deps.js";

export const GENERATION_HEADER = "x-kubetune-generation";

export class Exchange {
  variant: Variant | undefined;
  readonly trace: RequestSpan;
  private readonly started = performance.now();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly api: Api,
    readonly table: Table | undefined,
  ) {
    this.trace = startRequestSpan(`router ${api}`, req.headers);
  }

  /** The headers naming what answered, set on every routed response. */
  routedHeaders(): Record<string, string> {
    return this.addRoutedHeaders({});
  }

  /** Adds the routed headers to `headers` and returns it. */
  addRoutedHeaders<T extends Record<string, unknown>>(headers: T): T {
    if (!this.table) return headers;
    const target = headers as Record<string, unknown>;
    target[GENERATION_HEADER] = String(this.table.generation);
    if (this.variant) {
      target[CLASSIFY_HEADERS.variant] = this.variant.name;
      target[CLASSIFY_HEADERS.modelVersion] = this.variant.version;
    }
    return headers;
  }

  /** Records metrics and ends the span when the response is done or the client left. */
  recordOnClose(metrics: RouterMetrics): void {
    this.res.once("close", () => {
      const route = this.table?.route ?? "none";
      const variant = this.variant?.name ?? "none";
      const code = this.res.writableFinished ? this.res.statusCode : 499;
      metrics.countRequest({ route, variant, api: this.api, code }, this.started);
      this.trace.span.setAttribute("kubetune.variant", variant);
      endSpan(this.trace.span, code);
    });
  }
}
