// Turns a parsed routing-table document into the immutable, pre-computed form the request
// path reads: validated against the contract (defaults applied), numbers parsed once,
// lookups indexed. A table that fails validation never reaches the request path.
import { formatErrors, routingTableSchema, validateAgainstSchema } from "@kubetune/api";
import type { RoutingTable } from "@kubetune/api";
import { parseDuration } from "./duration.js";

export interface Variant {
  readonly name: string;
  readonly modelVersion: string;
  readonly version: string;
  readonly weight: number;
  readonly endpoints: readonly string[];
}

export interface CascadeSettings {
  readonly escalateTo: Omit<Variant, "name" | "weight">;
  readonly threshold: number;
  readonly maxRate: number;
  readonly windowMs: number;
  readonly timeoutMs: number;
}

export interface Table {
  readonly generation: number;
  readonly route: string;
  readonly model: string;
  readonly variants: readonly Variant[];
  readonly byName: ReadonlyMap<string, Variant>;
  /** Lower-cased, as node:http presents request headers. */
  readonly stickyHeader: string | undefined;
  readonly overrideHeader: string | undefined;
  readonly overrides: ReadonlyMap<string, string>;
  readonly mirror: { readonly variant: string; readonly percent: number } | undefined;
  readonly cascade: CascadeSettings | undefined;
  readonly requestTimeoutMs: number;
  readonly breaker: { readonly failures: number; readonly openForMs: number };
  /** The validated document with defaults, as reported on /v1/routes. */
  readonly source: RoutingTable;
}

export type Compiled = { ok: true; table: Table } | { ok: false; error: string };

export function compileTable(document: unknown): Compiled {
  const { value, errors } = validateAgainstSchema<RoutingTable>(document, routingTableSchema);
  if (errors.length > 0) return { ok: false, error: formatErrors(errors).join("; ") };
  const variants = value.variants.map((v) => Object.freeze({ ...v, endpoints: [...v.endpoints] }));
  const table: Table = {
    generation: value.generation,
    route: value.route,
    model: value.model,
    variants,
    byName: new Map(variants.map((v) => [v.name, v])),
    stickyHeader: value.stickiness?.header.toLowerCase(),
    overrideHeader: value.overrides?.header.toLowerCase(),
    overrides: new Map(value.overrides?.values.map((o) => [o.value, o.variant])),
    mirror: value.mirror,
    cascade: value.cascade && compileCascade(value.cascade),
    requestTimeoutMs: parseDuration(value.requestTimeout ?? "30s"),
    breaker: compileBreaker(value.circuitBreaker),
    source: value,
  };
  return { ok: true, table: Object.freeze(table) };
}

function compileCascade(cascade: NonNullable<RoutingTable["cascade"]>): CascadeSettings {
  return {
    escalateTo: cascade.escalateTo,
    threshold: Number(cascade.confidenceThreshold),
    maxRate: Number(cascade.maxEscalationRate ?? "1"),
    windowMs: parseDuration(cascade.window ?? "60s"),
    timeoutMs: parseDuration(cascade.timeout ?? "10s"),
  };
}

function compileBreaker(breaker: RoutingTable["circuitBreaker"]): Table["breaker"] {
  return {
    failures: breaker?.failures ?? 3,
    openForMs: parseDuration(breaker?.openFor ?? "5s"),
  };
}
