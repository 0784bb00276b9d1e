import type { InferenceRoute } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { makeRoute } from "../../../test/builders/serving.js";
import {
  ABORT_ANNOTATION,
  PAUSED_ANNOTATION,
  RESTART_ANNOTATION,
  analysisDue,
  nextRollout,
  recordedRollout,
  rolloutId,
} from "./rollout.js";
import { progressing } from "./rollout-status.js";
import { setCondition } from "../../runtime/conditions.js";
import type { RolloutInput } from "./rollout.js";

const t0 = new Date("2026-11-22T03:00:00.000Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function rolloutRoute(analysis = true): InferenceRoute {
  return makeRoute("arxiv", "ml", {
    variants: [
      { name: "stable", modelVersion: "arxiv-v3", weight: 100 },
      { name: "canary", modelVersion: "arxiv-v4", weight: 0 },
    ],
    rollout: {
      candidate: "canary",
      steps: [{ weight: 10, pause: "1m" }, { weight: 50, pause: "1m" }, { weight: 100 }],
      ...(analysis
        ? { analysis: { interval: "30s", maxErrorRate: "0.01", maxP99LatencySeconds: "0.25" } }
        : {}),
    },
  });
}

/** Runs one reconcile's worth of the state machine and records it in status as the reconciler does. */
function step(route: InferenceRoute, input: Omit<RolloutInput, "route">) {
  const outcome = nextRollout({ route, ...input });
  const conditions = setCondition(route.status?.conditions, progressing(route, outcome), {
    generation: 1,
    now: input.now,
  });
  route.status = { ...route.status, conditions, rollout: recordedRollout(outcome.state) };
  return outcome;
}

const healthy = { errorRate: 0.001, p99LatencySeconds: 0.1 };

describe("nextRollout", () => {
  it("when a rollout starts, puts the candidate at the first step's weight", () => {
    const outcome = step(rolloutRoute(), { now: t0 });

    expect(outcome.state).toMatchObject({
      phase: "Progressing",
      step: 0,
      stepStartTime: t0.toISOString(),
    });
    expect(outcome.candidateWeight).toBe(10);
  });

  it("when healthy analyses pass and pauses end, walks every step and completes", () => {
    const route = rolloutRoute();
    step(route, { now: t0 });

    const weights: number[] = [];
    for (let s = 30; s <= 300; s += 30) {
      const now = at(s);
      const due = analysisDue(route, now);
      weights.push(step(route, { now, ...(due ? { measurement: healthy } : {}) }).candidateWeight);
    }

    expect(weights).toEqual([10, 50, 50, 100, 100, 100, 100, 100, 100, 100]);
    expect(route.status?.conditions?.[0]?.reason).toBe("Completed");
    expect(route.status?.rollout?.lastAnalysis).toMatchObject({ passed: true, errorRate: "0.001" });
  });

  it("when a step has just started, its first analysis waits one interval, so its window holds the step's traffic", () => {
    const route = rolloutRoute();
    step(route, { now: t0 });

    expect(analysisDue(route, t0)).toBe(false);
    expect(analysisDue(route, at(29))).toBe(false);
    expect(analysisDue(route, at(30))).toBe(true);
  });

  it("when the candidate's version is not ready, holds the step without an analysis and says why", () => {
    const route = rolloutRoute();
    step(route, { now: t0, candidateReadySince: null });

    const held = step(route, { now: at(120), candidateReadySince: null });

    expect(held.state).toMatchObject({ phase: "Progressing", step: 0 });
    expect(held.waiting).toBe("the candidate's ModelVersion is not ready");
    expect(analysisDue(route, at(120), null)).toBe(false);
    expect(route.status?.conditions?.[0]?.message).toContain("holding at step 1 of 3");
  });

  it("when the candidate became ready after its step began, the step's clock starts then", () => {
    const route = rolloutRoute();
    step(route, { now: t0, candidateReadySince: null });

    step(route, { now: at(40), candidateReadySince: at(20) });

    expect(route.status?.rollout?.stepStartTime).toBe(at(20).toISOString());
    expect(analysisDue(route, at(45), at(20))).toBe(false);
    expect(analysisDue(route, at(50), at(20))).toBe(true);
  });

  it("when the pause is not over, holds the step and asks to come back when it ends", () => {
    const route = rolloutRoute(false);
    step(route, { now: t0 });

    const outcome = step(route, { now: at(20) });

    expect(outcome.state.step).toBe(0);
    expect(outcome.requeueAfterMs).toBe(40_000);
  });

  it("when an analysis fails, rolls back: the candidate gets 0 and stays there", () => {
    const route = rolloutRoute();
    step(route, { now: t0 });

    const failed = step(route, {
      now: at(30),
      measurement: { errorRate: 0.2, p99LatencySeconds: 0.1 },
    });
    const later = step(route, { now: at(600) });

    expect(failed.state.phase).toBe("RolledBack");
    expect(failed.candidateWeight).toBe(0);
    expect(failed.state.lastAnalysis).toMatchObject({
      passed: false,
      errorRate: "0.2",
      message: "error rate 0.2 exceeds 0.01; p99 latency (s) 0.1 <= 0.25",
    });
    expect(later.state.phase).toBe("RolledBack");
    expect(analysisDue(route, at(600))).toBe(false);
  });

  it("when the metrics cannot be read, holds the step and says why", () => {
    const route = rolloutRoute();
    step(route, { now: t0 });

    const outcome = step(route, {
      now: at(90),
      measurement: new Error("prometheus: connection refused"),
    });

    expect(outcome.state).toMatchObject({ phase: "Progressing", step: 0 });
    expect(outcome.analysisError).toBe("prometheus: connection refused");
  });

  it("when paused, holds the weight; when resumed, the step's pause starts again", () => {
    const route = rolloutRoute(false);
    step(route, { now: t0 });
    route.metadata.annotations = { [PAUSED_ANNOTATION]: "true" };

    const paused = step(route, { now: at(120) });
    route.metadata.annotations = {};
    const resumed = step(route, { now: at(180) });

    expect(paused.state.phase).toBe("Paused");
    expect(paused.candidateWeight).toBe(10);
    expect(resumed.state).toMatchObject({
      phase: "Progressing",
      step: 0,
      stepStartTime: at(180).toISOString(),
    });
  });

  it("when aborted, sends everything back to stable", () => {
    const route = rolloutRoute(false);
    step(route, { now: t0 });
    route.metadata.annotations = { [ABORT_ANNOTATION]: "true" };

    const outcome = step(route, { now: at(10) });

    expect(outcome.state.phase).toBe("Aborted");
    expect(outcome.candidateWeight).toBe(0);
  });

  it("when the status already holds the rollout (an operator restart), resumes it where it was", () => {
    const route = rolloutRoute(false);
    route.status = {
      rollout: {
        id: rolloutId(route),
        step: 1,
        stepStartTime: t0.toISOString(),
      },
    };

    const outcome = step(route, { now: at(61) });

    expect(outcome.state.step).toBe(2);
    expect(outcome.candidateWeight).toBe(100);
  });

  it("when the candidate's ModelVersion or the restart mark changes, starts a new rollout", () => {
    const route = rolloutRoute();
    step(route, { now: t0 });
    step(route, { now: at(30), measurement: { errorRate: 1, p99LatencySeconds: 0 } });
    expect(route.status?.conditions?.[0]?.reason).toBe("RolledBack");
    const before = rolloutId(route);

    route.metadata.annotations = { [RESTART_ANNOTATION]: at(5).toISOString() };
    const outcome = step(route, { now: at(5) });

    expect(rolloutId(route)).not.toBe(before);
    expect(outcome.state).toMatchObject({ phase: "Progressing", step: 0 });
  });
});
