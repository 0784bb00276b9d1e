// Durations in the routing table are Go-style strings ("500ms", "30s", "1h30m"), as in the CRDs.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a duration the contract's pattern already accepted. */
export function parseDuration(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/([0-9]+)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  }
  return total;
}
