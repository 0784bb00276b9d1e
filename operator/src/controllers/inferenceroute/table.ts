// The routing table (crds/src/contracts/routing-table.ts) rendered from a route, its
// backends and the weights to apply. Its generation moves only when its content does.
import type { InferenceRoute, RoutingTable } from "@kubetune/api";
import { ROUTING_TABLE_FILE } from "@kubetune/api";
import { isDeepStrictEqual } from "node:util";
import type { Backends } from "./backends.js";
import type { Weighted } from "./weights.js";

export interface TableInput {
  route: InferenceRoute;
  backends: Backends;
  weights: readonly Weighted[];
  rollout?: { step: number; weight: number } | undefined;
}

/** The table without its generation. */
export function renderTable(input: TableInput): Omit<RoutingTable, "generation"> {
  const { route, backends, weights } = input;
  const { spec } = route;
  const table: Omit<RoutingTable, "generation"> = {
    route: route.metadata.name,
    model: spec.model,
    variants: spec.variants.map((variant) => {
      const backend = backends.variants.find((b) => b.role === variant.name);
      return {
        name: variant.name,
        modelVersion: variant.modelVersion,
        version: backend?.version ?? variant.modelVersion,
        weight: weights.find((w) => w.name === variant.name)?.weight ?? 0,
        endpoints: backend?.up && backend.endpoint ? [backend.endpoint] : [],
      };
    }),
  };
  if (spec.stickiness) table.stickiness = { header: spec.stickiness.header };
  if (spec.overrides) table.overrides = structuredClone(spec.overrides);
  if (spec.mirror)
    table.mirror = { variant: spec.mirror.variant, percent: spec.mirror.percent ?? 100 };
  const cascade = cascadeOf(input);
  if (cascade) table.cascade = cascade;
  if (spec.rollout && input.rollout)
    table.rollout = { candidate: spec.rollout.candidate, ...input.rollout };
  return table;
}

/** The cascade, once its LLM version is known (its version name goes into the table). */
function cascadeOf(input: TableInput): RoutingTable["cascade"] {
  const spec = input.route.spec.cascade;
  const backend = input.backends.cascade;
  if (!spec || !backend?.version) return undefined;
  return {
    escalateTo: {
      modelVersion: backend.modelVersion,
      version: backend.version,
      endpoints: backend.up && backend.endpoint ? [backend.endpoint] : [],
    },
    confidenceThreshold: spec.confidenceThreshold,
    ...(spec.maxEscalationRate ? { maxEscalationRate: spec.maxEscalationRate } : {}),
  };
}

/** The table in a ConfigMap's data, or undefined when there is none or it is unreadable. */
export function tableIn(data: Record<string, string> | undefined): RoutingTable | undefined {
  const text = data?.[ROUTING_TABLE_FILE];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RoutingTable;
  } catch {
    return undefined;
  }
}

/** The same generation for the same content; the next one for a change. */
export function withGeneration(
  table: Omit<RoutingTable, "generation">,
  previous: RoutingTable | undefined,
  recordedGeneration: number,
): RoutingTable {
  if (previous) {
    const { generation, ...content } = previous;
    if (isDeepStrictEqual(content, table)) return { generation, ...table };
  }
  return { generation: Math.max(previous?.generation ?? 0, recordedGeneration) + 1, ...table };
}

export function tableJson(table: RoutingTable): string {
  return `${JSON.stringify(table, null, 2)}\n`;
}
