// Reads what the trainer reported: progress from its ConfigMap while it runs, the
// result from its termination message when it ends. Both are checked against the
// contract schemas; a malformed report is named, never trusted.
import type { V1ConfigMap, V1Pod } from "@kubernetes/client-node";
import type { FineTuneJob, TrainerProgress, TrainerResult } from "@kubetune/api";
import {
  PROGRESS_KEY,
  formatErrors,
  trainerProgressSchema,
  trainerResultSchema,
  validateAgainstSchema,
} from "@kubetune/api";
import type { JsonSchema } from "@kubetune/api";
import { INPUT_KEY } from "./desired.js";
import { resultMessage } from "./outcome.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJson<T>(text: string, schema: JsonSchema, what: string): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `the ${what} is not JSON` };
  }
  const { errors, value: checked } = validateAgainstSchema<T>(value, schema);
  if (errors.length > 0)
    return { ok: false, error: `the ${what} is invalid: ${formatErrors(errors).join("; ")}` };
  return { ok: true, value: checked };
}

/** The latest progress report, or undefined when there is none or it is malformed. */
export function readProgress(configMap: V1ConfigMap | undefined): TrainerProgress | undefined {
  const text = configMap?.data?.[PROGRESS_KEY];
  if (!text) return undefined;
  const parsed = parseJson<TrainerProgress>(text, trainerProgressSchema, "progress report");
  return parsed.ok ? parsed.value : undefined;
}

export function readResult(pods: readonly V1Pod[]): Parsed<TrainerResult> {
  const message = resultMessage(pods);
  if (!message)
    return {
      ok: false,
      error: "the trainer succeeded without writing its result to the termination message",
    };
  return parseJson<TrainerResult>(message, trainerResultSchema, "trainer's result");
}

/**
 * The version a run's trainer input already carries. A run whose training objects were
 * applied but whose status write was lost (an operator restart in between) keeps the
 * version its trainer was given rather than choosing a new one.
 */
export function versionGivenToTrainer(
  ftj: FineTuneJob,
  input: V1ConfigMap | undefined,
): string | undefined {
  const ours = input?.metadata?.ownerReferences?.some((o) => o.uid === ftj.metadata.uid);
  const text = ours ? input?.data?.[INPUT_KEY] : undefined;
  return text ? versionIn(text) : undefined;
}

function versionIn(inputJson: string): string | undefined {
  try {
    const { version } = JSON.parse(inputJson) as { version?: unknown };
    return typeof version === "string" && version !== "" ? version : undefined;
  } catch {
    return undefined;
  }
}
