// The progressive rollout as a state machine over the route's status: pure functions
// from (spec, controls, previous state, now, measurement) to the next state and the
// candidate weight. The state lives in status.rollout, so a restarted operator resumes.
import type { InferenceRoute, InferenceRouteStatus } from "@kubetune/api";
import { InferenceRouteConditions as C, InferenceRouteReasons as R } from "@kubetune/api";
import { findCondition } from "../../runtime/conditions.js";
import { createHash } from "node:crypto";
import type { Measurement } from "./analysis.js";
import { evaluate, hasThresholds } from "./analysis.js";
import { durationMs } from "./duration.js";

type Rollout = NonNullable<InferenceRoute["spec"]["rollout"]>;
export type Phase = "Progressing" | "Paused" | "Completed" | "RolledBack" | "Aborted";
/** What status.rollout records, with the phase, which the Progressing condition's reason carries. */
export type RolloutState = NonNullable<InferenceRouteStatus["rollout"]> & { phase: Phase };

const PHASE_BY_REASON: Readonly<Record<string, Phase>> = {
  [R.Paused]: "Paused",
  [R.Completed]: "Completed",
  [R.RolledBack]: "RolledBack",
  [R.Aborted]: "Aborted",
};

/** The phase the recorded Progressing condition names. */
function recordedPhase(route: InferenceRoute): Phase {
  const reason = findCondition(route.status?.conditions, C.Progressing)?.reason ?? "";
  return PHASE_BY_REASON[reason] ?? "Progressing";
}

/** status.rollout as stored: the phase lives in the Progressing condition. */
export function recordedRollout(state: RolloutState): NonNullable<InferenceRouteStatus["rollout"]> {
  const { phase: _phase, ...recorded } = state;
  return recorded;
}

/** Set by `kubetune promote` to start the rollout again from its first step. */
export const RESTART_ANNOTATION = "kubetune.io/rollout-restart";
/** "true" holds the rollout at its step; removing it resumes (the step's pause starts again). */
export const PAUSED_ANNOTATION = "kubetune.io/rollout-paused";
/** "true" aborts the rollout: all traffic back to the stable variants. */
export const ABORT_ANNOTATION = "kubetune.io/rollout-abort";

const DEFAULT_INTERVAL_MS = 30_000;

export interface RolloutInput {
  route: InferenceRoute;
  /** The ModelVersion the candidate variant names: a new one is a new rollout. */
  now: Date;
  /** The candidate's measurement, when analysisDue said so and it was taken; an Error when it could not be. */
  measurement?: Measurement | Error;
  /**
   * Since when the candidate's ModelVersion is Ready; null while it is not (the step
   * holds: a version that gets no traffic cannot be judged); undefined when not known.
   */
  candidateReadySince?: Date | null;
}

export interface RolloutOutcome {
  state: RolloutState;
  /** The candidate's weight now. */
  candidateWeight: number;
  /** Run again after this long (the pause's end, the next analysis). */
  requeueAfterMs?: number;
  /** The measurement could not be taken: the step is held. */
  analysisError?: string;
  /** Why the step holds without an analysis (the candidate is not ready). */
  waiting?: string;
}

function rolloutOf(route: InferenceRoute): Rollout {
  const rollout = route.spec.rollout;
  if (!rollout) throw new Error(`InferenceRoute ${route.metadata.name} has no rollout`);
  return rollout;
}

/** Identifies a rollout: its candidate, the candidate's version, the steps and the restart mark. */
export function rolloutId(route: InferenceRoute): string {
  const rollout = rolloutOf(route);
  const variant = route.spec.variants.find((v) => v.name === rollout.candidate);
  const restart = route.metadata.annotations?.[RESTART_ANNOTATION] ?? "";
  const text = JSON.stringify([rollout.candidate, variant?.modelVersion, rollout.steps, restart]);
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

const flag = (route: InferenceRoute, name: string) => route.metadata.annotations?.[name] === "true";

/** The state to start from: the recorded one, or step 0 of a new rollout. */
export function currentState(route: InferenceRoute, now: Date): RolloutState {
  const id = rolloutId(route);
  const previous = route.status?.rollout;
  if (previous?.id === id) return { ...previous, phase: recordedPhase(route) };
  return { id, phase: "Progressing", step: 0, stepStartTime: now.toISOString() };
}

const TERMINAL: readonly Phase[] = ["Completed", "RolledBack", "Aborted"];

/** Whether the reconciler should measure the candidate before calling nextRollout. */
export function analysisDue(
  route: InferenceRoute,
  now: Date,
  candidateReadySince?: Date | null,
): boolean {
  if (candidateReadySince === null) return false;
  const rollout = rolloutOf(route);
  const state = fromCandidateReady(currentState(route, now), candidateReadySince);
  if (TERMINAL.includes(state.phase) || state.phase === "Paused") return false;
  if (flag(route, ABORT_ANNOTATION) || flag(route, PAUSED_ANNOTATION)) return false;
  if (!hasThresholds(rollout.analysis)) return false;
  // A step's first analysis waits one interval: its window must hold the step's traffic,
  // not the time before the router took the new weights (no data, which fails).
  const last = state.lastAnalysis?.time ? Date.parse(state.lastAnalysis.time) : 0;
  return now.getTime() - Math.max(last, stepStart(state, now)) >= intervalMs(rollout);
}

function intervalMs(rollout: Rollout): number {
  return durationMs(rollout.analysis?.interval, DEFAULT_INTERVAL_MS) || DEFAULT_INTERVAL_MS;
}

function stepWeight(rollout: Rollout, step: number): number {
  return rollout.steps[Math.min(step, rollout.steps.length - 1)]?.weight ?? 0;
}

/** The candidate's weight in a phase: the step's while it runs or is done, 0 after a rollback or abort. */
export function candidateWeightOf(rollout: Rollout, state: RolloutState): number {
  if (state.phase === "RolledBack" || state.phase === "Aborted") return 0;
  return stepWeight(rollout, state.step ?? 0);
}

/**
 * A step starts when it began or when the candidate became ready, whichever is later: its
 * pause and first analysis count from when the candidate could get the step's traffic.
 */
function fromCandidateReady(state: RolloutState, readySince: Date | undefined): RolloutState {
  const started = state.stepStartTime ? Date.parse(state.stepStartTime) : 0;
  if (!readySince || readySince.getTime() <= started) return state;
  return { ...state, stepStartTime: readySince.toISOString() };
}

export function nextRollout(input: RolloutInput): RolloutOutcome {
  const { route, now } = input;
  const rollout = rolloutOf(route);
  const ready = input.candidateReadySince;
  const state = fromCandidateReady(
    controlled(route, currentState(route, now), now),
    ready ?? undefined,
  );
  const outcome = (s: RolloutState, extra: Partial<RolloutOutcome> = {}): RolloutOutcome => ({
    state: s,
    candidateWeight: candidateWeightOf(rollout, s),
    ...extra,
  });
  if (state.phase !== "Progressing") return outcome(state);
  if (ready === null)
    return outcome(state, {
      waiting: "the candidate's ModelVersion is not ready",
      requeueAfterMs: intervalMs(rollout),
    });
  if (input.measurement instanceof Error)
    return outcome(state, {
      analysisError: input.measurement.message,
      requeueAfterMs: intervalMs(rollout),
    });
  const analysed = input.measurement ? analyse(rollout, state, input.measurement, now) : state;
  if (analysed.phase === "RolledBack") return outcome(analysed);
  return advance(rollout, analysed, now, outcome);
}

/** Manual controls: abort wins over pause; a resume restarts the step's pause. */
function controlled(route: InferenceRoute, state: RolloutState, now: Date): RolloutState {
  if (TERMINAL.includes(state.phase)) return state;
  if (flag(route, ABORT_ANNOTATION)) return { ...state, phase: "Aborted" };
  if (flag(route, PAUSED_ANNOTATION)) return { ...state, phase: "Paused" };
  if (state.phase === "Paused")
    return { ...state, phase: "Progressing", stepStartTime: now.toISOString() };
  return state;
}

function analyse(
  rollout: Rollout,
  state: RolloutState,
  measurement: Measurement,
  now: Date,
): RolloutState {
  const verdict = evaluate(measurement, rollout.analysis);
  const lastAnalysis = {
    time: now.toISOString(),
    passed: verdict.passed,
    message: verdict.message,
    ...decimals(measurement),
  };
  return { ...state, lastAnalysis, ...(verdict.passed ? {} : { phase: "RolledBack" as const }) };
}

function decimals(m: Measurement) {
  const text = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) || v < 0 ? undefined : String(Math.round(v * 1e6) / 1e6);
  const entries = Object.entries({
    errorRate: text(m.errorRate),
    p99LatencySeconds: text(m.p99LatencySeconds),
    escalationRate: text(m.escalationRate),
  }).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries) as Record<string, string>;
}

function stepStart(state: RolloutState, now: Date): number {
  return state.stepStartTime ? Date.parse(state.stepStartTime) : now.getTime();
}

/** How long the step still has to wait: its pause, and with thresholds an analysis that passed in it. */
function waitLeft(rollout: Rollout, state: RolloutState, now: Date): number | undefined {
  const started = stepStart(state, now);
  const pauseLeft = started + durationMs(rollout.steps[state.step ?? 0]?.pause) - now.getTime();
  if (!hasThresholds(rollout.analysis)) return pauseLeft > 0 ? pauseLeft : undefined;
  const last = state.lastAnalysis;
  const analysed = last?.passed === true && Date.parse(last.time) > started;
  if (pauseLeft <= 0 && analysed) return undefined;
  return Math.min(pauseLeft > 0 ? pauseLeft : Infinity, intervalMs(rollout));
}

/** Moves to the next step, or completes, once the step has nothing left to wait for. */
function advance(
  rollout: Rollout,
  state: RolloutState,
  now: Date,
  outcome: (s: RolloutState, extra?: Partial<RolloutOutcome>) => RolloutOutcome,
): RolloutOutcome {
  const wait = waitLeft(rollout, state, now);
  if (wait !== undefined) return outcome(state, { requeueAfterMs: Math.max(1, wait) });
  const step = state.step ?? 0;
  if (step >= rollout.steps.length - 1) return outcome({ ...state, phase: "Completed" });
  const next = { ...state, step: step + 1, stepStartTime: now.toISOString() };
  return outcome(next, { requeueAfterMs: 1 });
}
