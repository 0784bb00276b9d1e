// Go-style durations as the API writes them ("30s", "5m", "1h30m", "500ms").
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(text: string | undefined, fallbackMs = 0): number {
  if (!text) return fallbackMs;
  let total = 0;
  for (const match of text.matchAll(/([0-9]+)(ms|s|m|h)/g))
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  return total;
}
