// Which routing-table generation the route's routers have in force. The reconciler reports
// WeightsApplied=True only once every ready router says it serves the rendered table.
import type { ObjectKey } from "../../runtime/client.js";

export type Applied = { generation: number } | { error: string };

export interface TableVerifier {
  /** The lowest generation any ready router of the route serves, or why it is not known. */
  appliedGeneration(route: ObjectKey): Promise<Applied>;
}

/** The generation in a router's /v1/routes answer (services/router/src/http/info.ts). */
export function generationInRoutes(body: string): number | undefined {
  try {
    const { generation } = JSON.parse(body) as { generation?: unknown };
    return typeof generation === "number" && Number.isInteger(generation) ? generation : undefined;
  } catch {
    return undefined;
  }
}

/** Combines the routers' answers: every one must have answered with a generation. */
export function lowestGeneration(answers: readonly (number | string)[]): Applied {
  if (answers.length === 0) return { error: "no router pod is ready" };
  const failed = answers.find((a): a is string => typeof a === "string");
  if (failed !== undefined) return { error: failed };
  return { generation: Math.min(...(answers as number[])) };
}
