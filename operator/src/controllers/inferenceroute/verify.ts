// Which routing-table generation the route's routers have in force. The reconciler reports
// WeightsApplied=True only once every ready router says it serves the rendered table.
import type { RoutingTable } from "@kubetune/api";
import type { ObjectKey } from "../../runtime/client.js";

export type Applied = { generation: number } | { error: string };

export interface TableDelivery {
  /**
   * Brings every running router of the route to `table` (pushing it, with the route's
   * admin token, to those behind) and reports the lowest generation any of them serves,
   * or why that is not known.
   */
  deliver(route: ObjectKey, table: RoutingTable, token: string | undefined): Promise<Applied>;
}

/** The generation in a router's /v1/routes or push answer (services/router/src/http). */
export function generationInRoutes(body: string): number | undefined {
  try {
    const { generation } = JSON.parse(body) as { generation?: unknown };
    return typeof generation === "number" && Number.isInteger(generation) ? generation : undefined;
  } catch {
    return undefined;
  }
}

/** The router's own reason in a JSON error answer, or the body's start. */
export function errorInAnswer(body: string): string {
  try {
    const { error } = JSON.parse(body) as { error?: unknown };
    if (typeof error === "string") return error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200);
}

/** Combines the routers' answers: every one must have answered with a generation. */
export function lowestGeneration(answers: readonly (number | string)[]): Applied {
  if (answers.length === 0) return { error: "no router pod is running" };
  const failed = answers.find((a): a is string => typeof a === "string");
  if (failed !== undefined) return { error: failed };
  return { generation: Math.min(...(answers as number[])) };
}

/**
 * The routers' answers, and a router pod that is not Ready (if any). A router that took
 * the table serves the route only once its pod is Ready, so its Service sends it traffic:
 * until then the table is not applied for the route's callers.
 */
export function appliedForCallers(
  answers: readonly (number | string)[],
  unreadyPod: string | undefined,
): Applied {
  const applied = lowestGeneration(answers);
  if ("error" in applied || unreadyPod === undefined) return applied;
  return {
    error: `router pod ${unreadyPod} serves generation ${applied.generation} but is not Ready yet, so its Service does not send it traffic`,
  };
}
