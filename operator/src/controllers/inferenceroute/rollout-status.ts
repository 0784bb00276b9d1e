// The Progressing condition of a route with a rollout: where the rollout stands, in words.
import type { InferenceRoute } from "@kubetune/api";
import { InferenceRouteConditions as C, InferenceRouteReasons as R } from "@kubetune/api";
import type { ConditionInput } from "../../runtime/conditions.js";
import type { RolloutOutcome } from "./rollout.js";

const c = (status: ConditionInput["status"], reason: string, message: string) => ({
  type: C.Progressing,
  status,
  reason,
  message,
});

export function progressing(route: InferenceRoute, outcome: RolloutOutcome): ConditionInput {
  const { state } = outcome;
  const { step, where, analysis } = words(route, outcome);
  switch (state.phase) {
    case "Completed":
      return c(
        "False",
        R.Completed,
        `rollout complete at ${where}${analysis}; the candidate is promoted to production`,
      );
    case "RolledBack":
      return c("False", R.RolledBack, `rolled back at ${step}: analysis failed${analysis}`);
    case "Aborted":
      return c(
        "False",
        R.Aborted,
        `aborted at ${step}; all traffic is back on the stable variants`,
      );
    case "Paused":
      return c("False", R.Paused, `paused at ${where}${analysis}`);
    default:
      return running(where, analysis, outcome);
  }
}

function words(route: InferenceRoute, outcome: RolloutOutcome) {
  const { state, candidateWeight } = outcome;
  const rollout = route.spec.rollout;
  const step = `step ${(state.step ?? 0) + 1} of ${rollout?.steps.length ?? 0}`;
  const where = `${step}: ${rollout?.candidate ?? "candidate"} at ${candidateWeight}%`;
  const message = state.lastAnalysis?.message;
  return { step, where, analysis: message ? `; last analysis: ${message}` : "" };
}

function running(where: string, analysis: string, outcome: RolloutOutcome) {
  const { analysisError, waiting } = outcome;
  if (waiting) return c("True", R.StepPaused, `holding at ${where}: ${waiting}${analysis}`);
  if (analysisError)
    return c(
      "False",
      R.AnalysisUnavailable,
      `holding at ${where}: the analysis could not run: ${analysisError}`,
    );
  return c("True", R.StepPaused, `${where}${analysis}`);
}
