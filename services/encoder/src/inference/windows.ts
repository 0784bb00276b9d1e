// Long documents are classified in overlapping windows rather than truncated: each window
// holds `windowTokens` tokens including the model's special tokens, and consecutive
// windows share `overlap` of their content so no sentence is seen only at a window edge.

export interface WindowPlan {
  /** Content tokens per window (windowTokens minus the special tokens). */
  size: number;
  /** How far each window starts after the previous one. */
  stride: number;
}

export function planWindows(
  windowTokens: number,
  specialTokens: number,
  overlap: number,
): WindowPlan {
  const size = windowTokens - specialTokens;
  if (size < 1) {
    throw new Error(
      `windowTokens ${windowTokens} leaves no room for text beside ${specialTokens} special tokens`,
    );
  }
  if (!(overlap >= 0 && overlap < 1)) throw new Error(`overlap must be in [0, 1), not ${overlap}`);
  return { size, stride: Math.max(1, Math.round(size * (1 - overlap))) };
}

/** How many windows a document of `tokens` content tokens needs (at least one). */
export function windowCount(tokens: number, plan: WindowPlan): number {
  if (tokens <= plan.size) return 1;
  return Math.ceil((tokens - plan.size) / plan.stride) + 1;
}

/**
 * The [start, end) content ranges of every window, lazily: a 20,000-token document never
 * holds all its windows at once. The last window ends at the document's end.
 */
export function* windowRanges(tokens: number, plan: WindowPlan): Generator<[number, number]> {
  const count = windowCount(tokens, plan);
  for (let i = 0; i < count; i++) {
    const start = Math.min(i * plan.stride, Math.max(0, tokens - plan.size));
    yield [start, Math.min(tokens, start + plan.size)];
  }
}
