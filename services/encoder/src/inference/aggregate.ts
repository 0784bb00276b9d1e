// From logits to answers: softmax or sigmoid per window, then one answer per document
// from all its windows, by majority vote or by mean probability.
import type { LabelScore } from "@kubetune/api";

export type ProblemType = "single_label_classification" | "multi_label_classification";
export type Aggregation = "vote" | "mean";

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] ?? 0);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp((logits[i] ?? 0) - max);
    sum += out[i] ?? 0;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / sum;
  return out;
}

export function sigmoid(logits: ArrayLike<number>): Float64Array {
  return Float64Array.from(
    { length: logits.length },
    (_, i) => 1 / (1 + Math.exp(-(logits[i] ?? 0))),
  );
}

export function probabilities(logits: ArrayLike<number>, problem: ProblemType): Float64Array {
  return problem === "multi_label_classification" ? sigmoid(logits) : softmax(logits);
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}

/**
 * Running totals of a document's windows: constant memory however long the document is,
 * because each window's probabilities are folded in as soon as they arrive.
 */
export class WindowTally {
  private readonly sums: Float64Array;
  private readonly votes: Uint32Array;
  windows = 0;

  constructor(labels: number) {
    this.sums = new Float64Array(labels);
    this.votes = new Uint32Array(labels);
  }

  add(probs: ArrayLike<number>): void {
    for (let i = 0; i < this.sums.length; i++) this.sums[i] = (this.sums[i] ?? 0) + (probs[i] ?? 0);
    const top = argmax(probs);
    this.votes[top] = (this.votes[top] ?? 0) + 1;
    this.windows++;
  }

  mean(): Float64Array {
    return this.sums.map((sum) => sum / Math.max(1, this.windows));
  }

  /**
   * Scores for `vote`: the share of windows each label won, with ties between equally
   * voted labels broken by mean probability (the mean adds less than one vote's share).
   */
  voteScores(): Float64Array {
    const mean = this.mean();
    const n = Math.max(1, this.windows);
    return Float64Array.from(mean, (m, i) => (this.votes[i] ?? 0) / n + m / (n * 2));
  }
}

export interface DocumentAnswer {
  labels: LabelScore[];
  top: string;
  predicted?: string[];
  windows: number;
}

export interface AnswerOptions {
  names: readonly string[];
  problem: ProblemType;
  aggregation: Aggregation;
  topK: number;
  threshold: number;
}

/** The document's answer; scores are always mean probabilities, the order follows the aggregation. */
export function answer(tally: WindowTally, options: AnswerOptions): DocumentAnswer {
  const mean = tally.mean();
  const rank = options.aggregation === "vote" ? tally.voteScores() : mean;
  const order = [...rank.keys()].sort((a, b) => (rank[b] ?? 0) - (rank[a] ?? 0) || a - b);
  const labels = order
    .slice(0, options.topK)
    .map((i) => ({ label: options.names[i] ?? String(i), score: mean[i] ?? 0 }));
  const result: DocumentAnswer = {
    labels,
    top: labels[0]?.label ?? "",
    windows: tally.windows,
  };
  if (options.problem === "multi_label_classification") {
    result.predicted = order
      .filter((i) => (mean[i] ?? 0) >= options.threshold)
      .map((i) => options.names[i] ?? String(i));
  }
  return result;
}
