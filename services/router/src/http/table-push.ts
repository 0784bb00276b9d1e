// PUT /v1/routes: the operator pushes the routing table it has just written to the
// ConfigMap, so the new weights are in force at once instead of after the kubelet's next
// sync of the mounted file. Only a caller holding the route's admin token may push (the
// operator reads it from the route's Secret); a router started without a token refuses
// every push, and serves what its file says. The token travels in its own header, since
// the pod proxy's Authorization header is the operator's credential for the API server.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ROUTER_ADMIN_TOKEN_HEADER } from "@kubetune/api";
import type { Offer } from "../config/source.js";
import { HttpError, readRequestBody, sendError, sendJson } from "./respond.js";

/** A routing table is a few kilobytes; a megabyte leaves room for hundreds of variants. */
export const TABLE_BODY_LIMIT = 1024 * 1024;

export interface TablePushDeps {
  readonly tables: { offer(text: string): Promise<Offer> };
  /** The token a push must carry; undefined: pushes are disabled. */
  readonly adminToken: string | undefined;
}

function authorize(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined)
    throw new HttpError(403, "table pushes are disabled: the router has no admin token");
  const header = req.headers[ROUTER_ADMIN_TOKEN_HEADER];
  const given = typeof header === "string" ? header : "";
  const expected = Buffer.from(token);
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new HttpError(
      401,
      `a table push needs the route's admin token in ${ROUTER_ADMIN_TOKEN_HEADER}`,
    );
}

export function handleTablePush(
  deps: TablePushDeps,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const push = async () => {
    authorize(req, deps.adminToken);
    const body = await readRequestBody(req, TABLE_BODY_LIMIT);
    const offer = await deps.tables.offer(body.toString("utf8"));
    if (!offer.ok) throw new HttpError(offer.status, offer.error);
    sendJson(res, 200, { generation: offer.generation, applied: offer.applied });
  };
  push().catch((error: unknown) => {
    // Refused before the body was read: drain it so the connection stays usable.
    if (!req.readableEnded) req.resume();
    sendError(res, error);
  });
}
