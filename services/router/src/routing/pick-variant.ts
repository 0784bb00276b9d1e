// The variant choice, a pure function of the table, the request headers and a random draw.
// Order: an override header value forces its variant; a stickiness key picks by weighted
// rendezvous hashing (each key lands on a variant with probability weight/100, and when
// weights change only the keys the change requires move); otherwise a weighted draw.
import type { Table, Variant } from "../config/compile.js";
import { unitHash } from "./hash.js";

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export type ChoiceReason = "override" | "sticky" | "weighted";

export interface Choice {
  readonly variant: Variant;
  readonly reason: ChoiceReason;
}

function header(headers: Headers, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Weighted rendezvous (highest random weight) hashing over the variants with weight > 0. */
export function stickyVariant(variants: readonly Variant[], key: string): Variant | undefined {
  let best: Variant | undefined;
  let bestScore = -Infinity;
  for (const variant of variants) {
    if (variant.weight <= 0) continue;
    const score = variant.weight / -Math.log(unitHash(`${key}\u0000${variant.name}`));
    if (score > bestScore) {
      best = variant;
      bestScore = score;
    }
  }
  return best;
}

/** A weighted draw with `random` in [0, 1). */
export function weightedVariant(variants: readonly Variant[], random: number): Variant | undefined {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let point = random * total;
  for (const variant of variants) {
    if (variant.weight <= 0) continue;
    if (point < variant.weight) return variant;
    point -= variant.weight;
  }
  return undefined;
}

export function pickVariant(
  table: Table,
  headers: Headers,
  random: () => number,
): Choice | undefined {
  const forced = header(headers, table.overrideHeader);
  const forcedName = forced === undefined ? undefined : table.overrides.get(forced);
  const forcedVariant = forcedName === undefined ? undefined : table.byName.get(forcedName);
  if (forcedVariant) return { variant: forcedVariant, reason: "override" };
  const key = header(headers, table.stickyHeader);
  const variant =
    key === undefined
      ? weightedVariant(table.variants, random())
      : stickyVariant(table.variants, key);
  if (!variant) return undefined;
  return { variant, reason: key === undefined ? "weighted" : "sticky" };
}

/** The shadow variant this request is also sent to, if any (never the primary itself). */
export function mirrorVariant(table: Table, primary: Variant, random: number): Variant | undefined {
  if (!table.mirror || table.mirror.variant === primary.name) return undefined;
  if (random * 100 >= table.mirror.percent) return undefined;
  return table.byName.get(table.mirror.variant);
}
