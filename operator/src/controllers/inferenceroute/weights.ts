// Weights as applied: a variant that cannot take traffic gets 0 and its share goes to
// the others in proportion to their weights; whole percents that still sum to 100.
export interface Weighted {
  name: string;
  weight: number;
}

/** Splits `total` over the items in proportion to their weights (largest remainder). */
export function apportion(items: readonly Weighted[], total: number): Weighted[] {
  const sum = items.reduce((acc, item) => acc + item.weight, 0);
  if (items.length === 0) return [];
  // Nothing to go by: share evenly.
  const shares = items.map((item) =>
    sum > 0 ? (item.weight * total) / sum : total / items.length,
  );
  const floors = shares.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = shares
    .map((share, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    left -= 1;
  }
  return items.map((item, index) => ({ name: item.name, weight: floors[index] ?? 0 }));
}

/**
 * Desired weights with the down variants at 0. When every variant with traffic is down,
 * the up ones share it evenly; undefined when every variant is down.
 */
export function appliedWeights(
  desired: readonly Weighted[],
  isUp: (name: string) => boolean,
): Weighted[] | undefined {
  const up = desired.filter((d) => isUp(d.name));
  if (up.length === 0) return undefined;
  const carrying = up.filter((d) => d.weight > 0);
  const shared = apportion(carrying.length > 0 ? carrying : up, 100);
  return desired.map((d) => ({
    name: d.name,
    weight: shared.find((s) => s.name === d.name)?.weight ?? 0,
  }));
}

/** Desired weights during a rollout: the candidate's step weight, the rest shared by the spec's weights. */
export function rolloutWeights(
  variants: readonly Weighted[],
  candidate: string,
  candidateWeight: number,
): Weighted[] {
  const others = apportion(
    variants.filter((v) => v.name !== candidate),
    100 - candidateWeight,
  );
  return variants.map((v) =>
    v.name === candidate
      ? { name: v.name, weight: candidateWeight }
      : { name: v.name, weight: others.find((o) => o.name === v.name)?.weight ?? 0 },
  );
}
