// Builders for routing tables in tests: a valid two-variant document, changed per test.
import type { RoutingTable } from "@kubetune/api";
import { compileTable } from "../src/config/compile.js";
import type { Table } from "../src/config/compile.js";

export interface VariantSpec {
  name: string;
  weight: number;
  endpoints?: string[];
  version?: string;
}

export function tableDocument(
  variants: VariantSpec[] = [
    { name: "stable", weight: 90 },
    { name: "candidate", weight: 10 },
  ],
  extra: Partial<RoutingTable> = {},
): RoutingTable {
  return {
    generation: 1,
    route: "arxiv",
    model: "arxiv-classifier",
    variants: variants.map((v) => ({
      name: v.name,
      modelVersion: `mv-${v.name}`,
      version: v.version ?? `ver-${v.name}`,
      weight: v.weight,
      endpoints: v.endpoints ?? ["http://127.0.0.1:1"],
    })),
    ...extra,
  };
}

export function table(variants?: VariantSpec[], extra?: Partial<RoutingTable>): Table {
  const compiled = compileTable(tableDocument(variants, extra));
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.table;
}

/** A deterministic random source (mulberry32), so distribution tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
