// Condition helpers with apimachinery's meta.SetStatusCondition semantics: the
// transition time moves only when the status flips, and every condition records the
// generation it was computed from.
import type { Condition } from "@kubetune/api";
import { CONDITION_MESSAGE_MAX_LENGTH } from "@kubetune/api";

export type ConditionStatus = Condition["status"];

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * Returns the conditions with `input` set. An unchanged status keeps its
 * lastTransitionTime; reason, message and observedGeneration always follow the input.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  context: { generation: number; now: Date },
): Condition[] {
  const existing = conditions?.find((c) => c.type === input.type);
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: truncate(input.message),
    observedGeneration: context.generation,
    lastTransitionTime:
      existing && existing.status === input.status
        ? existing.lastTransitionTime
        : context.now.toISOString(),
  };
  const current = conditions ?? [];
  return existing ? current.map((c) => (c.type === input.type ? next : c)) : [...current, next];
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function truncate(message: string): string {
  if (message.length <= CONDITION_MESSAGE_MAX_LENGTH) return message;
  return `${message.slice(0, CONDITION_MESSAGE_MAX_LENGTH - 1)}…`;
}
