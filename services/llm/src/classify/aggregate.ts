// From per-window label log-probabilities and grammar answers to one /v1/classify result.
// Scores are the label sequences' probabilities under the model, renormalised over the
// label set; the answer is what the grammar-constrained generation chose.
import type { ClassifyResult, LabelScore } from "@kubetune/api";

export interface WindowOutcome {
  /** Σ log p(token) of each label's tokens after the prompt, in label order. */
  logProbs: number[];
  /** The labels the constrained generation produced (one for single-label). */
  answer: string[];
}

export function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function meanScores(windows: WindowOutcome[], labelCount: number): number[] {
  const sums = new Array<number>(labelCount).fill(0);
  for (const w of windows) {
    const probs = softmax(w.logProbs);
    for (let i = 0; i < labelCount; i++) sums[i] = (sums[i] ?? 0) + (probs[i] ?? 0);
  }
  return sums.map((s) => s / windows.length);
}

function votes(windows: WindowOutcome[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of windows)
    for (const label of new Set(w.answer)) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}

export interface AggregateInput {
  id: string;
  labels: readonly string[];
  multiLabel: boolean;
  topK: number;
  windows: WindowOutcome[];
}

/** Majority vote over the windows' answers (ties go to the higher mean score), scores averaged. */
export function aggregate(input: AggregateInput): ClassifyResult {
  const scores = meanScores(input.windows, input.labels.length);
  const counts = votes(input.windows);
  const ranked: LabelScore[] = input.labels
    .map((label, i) => ({ label, score: scores[i] ?? 0 }))
    .sort((a, b) => (counts.get(b.label) ?? 0) - (counts.get(a.label) ?? 0) || b.score - a.score);
  const [first, ...rest] = ranked;
  if (!first) throw new Error("a classifier needs at least one label");
  const labels = [first, ...rest.sort((a, b) => b.score - a.score)].slice(0, input.topK);
  const result: ClassifyResult = {
    id: input.id,
    labels,
    top: first.label,
    windows: input.windows.length,
  };
  if (!input.multiLabel) return result;
  const half = input.windows.length / 2;
  const predicted = ranked.filter((l) => (counts.get(l.label) ?? 0) >= half && counts.has(l.label));
  return { ...result, predicted: predicted.map((l) => l.label) };
}

/** Token windows over a long document: `size` tokens each, a quarter overlapping. */
export function windowsOf<T>(tokens: readonly T[], size: number): T[][] {
  if (tokens.length <= size) return [[...tokens]];
  const stride = Math.max(1, Math.floor(size * 0.75));
  const out: T[][] = [];
  for (let start = 0; ; start += stride) {
    out.push(tokens.slice(start, start + size));
    if (start + size >= tokens.length) return out;
  }
}
