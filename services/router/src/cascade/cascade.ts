// The cascade over one encoder answer: count the documents against the budget, send the
// unsure ones the budget allows to the LLM, merge, and count what escalated or was skipped.
import type { ClassifyRequest, ClassifyResult } from "@kubetune/api";
import type { Table } from "../config/compile.js";
import type { Logger } from "../log.js";
import type { CallContext } from "../upstream/call.js";
import { askLlm } from "./ask-llm.js";
import type { EscalationBudget } from "./budget.js";
import { mergeEscalation, unsureResults } from "./merge.js";

export interface CascadeInput {
  readonly ctx: CallContext;
  readonly budget: EscalationBudget;
  readonly log: Logger;
  readonly variant: string;
}

export interface CascadeOutcome {
  readonly results: ClassifyResult[];
  readonly escalated: number;
}

export async function runCascade(
  input: CascadeInput,
  request: ClassifyRequest,
  encoder: readonly ClassifyResult[],
): Promise<CascadeOutcome> {
  const { ctx, budget } = input;
  const cascade = (ctx.table as Table & { cascade: NonNullable<Table["cascade"]> }).cascade;
  budget.recordDocuments(encoder.length);
  const escalated: number[] = [];
  const overBudget: number[] = [];
  for (const index of unsureResults(encoder, cascade.threshold)) {
    (budget.tryEscalate() ? escalated : overBudget).push(index);
  }
  const answer =
    escalated.length === 0
      ? { results: [] }
      : await askLlm(
          ctx,
          cascade,
          escalated.flatMap((i) => request.documents[i] ?? []),
          request.topK,
        );
  const answers = "results" in answer ? answer.results : undefined;
  if ("error" in answer) {
    input.log.warn(
      { route: ctx.table.route, reason: answer.error },
      "Kept encoder answers after the LLM failed",
    );
  }
  count(input, overBudget.length, answers ? escalated.length : 0, answers ? 0 : escalated.length);
  return {
    results: mergeEscalation(encoder, { escalated, answers, overBudget }),
    escalated: answers ? escalated.length : 0,
  };
}

function count(input: CascadeInput, overBudget: number, escalated: number, failed: number): void {
  const labels = { route: input.ctx.table.route, variant: input.variant };
  if (escalated > 0) input.ctx.metrics.escalations.inc(labels, escalated);
  if (overBudget > 0) {
    input.ctx.metrics.skippedEscalations.inc({ ...labels, reason: "budget-exhausted" }, overBudget);
  }
  if (failed > 0)
    input.ctx.metrics.skippedEscalations.inc({ ...labels, reason: "llm-failed" }, failed);
}
