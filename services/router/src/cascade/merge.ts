// Pure parts of the cascade: which encoder answers are unsure, and how the LLM's answers
// replace them. Every result of a cascaded response says whether it escalated, and a
// document that needed escalation but kept the encoder's answer says why.
import type { ClassifyResult } from "@kubetune/api";

/** Index of every result whose top score is below the threshold. */
export function unsureResults(results: readonly ClassifyResult[], threshold: number): number[] {
  const unsure: number[] = [];
  results.forEach((result, index) => {
    const top = result.labels[0]?.score ?? 0;
    if (top < threshold) unsure.push(index);
  });
  return unsure;
}

export interface Escalation {
  /** Indexes of results answered by the LLM, in the order of `answers`. */
  readonly escalated: readonly number[];
  /** The LLM's results for `escalated`, or undefined when it failed. */
  readonly answers: readonly ClassifyResult[] | undefined;
  /** Indexes that needed escalation but were over budget. */
  readonly overBudget: readonly number[];
}

export function mergeEscalation(
  encoder: readonly ClassifyResult[],
  escalation: Escalation,
): ClassifyResult[] {
  const merged: ClassifyResult[] = encoder.map((result) => ({ ...result, escalated: false }));
  for (const index of escalation.overBudget) {
    merged[index] = { ...(merged[index] as ClassifyResult), escalation: "budget-exhausted" };
  }
  escalation.escalated.forEach((index, position) => {
    const answer = escalation.answers?.[position];
    const original = merged[index] as ClassifyResult;
    merged[index] = answer
      ? { ...answer, id: original.id, escalated: true }
      : { ...original, escalation: "llm-failed" };
  });
  return merged;
}
