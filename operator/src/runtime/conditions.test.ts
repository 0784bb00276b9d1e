import { describe, expect, it } from "vitest";
import { findCondition, setCondition } from "./conditions.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const t1 = new Date("2026-01-01T00:05:00Z");
const ready = { type: "Ready", status: "False" as const, reason: "Pending", message: "waiting" };

describe("setCondition", () => {
  it("when a condition is new, adds it with the current time and generation", () => {
    const conditions = setCondition([], ready, { generation: 3, now: t0 });

    expect(conditions).toEqual([
      { ...ready, observedGeneration: 3, lastTransitionTime: t0.toISOString() },
    ]);
  });

  it("when the status does not change, keeps the transition time but updates reason, message and generation", () => {
    const before = setCondition([], ready, { generation: 1, now: t0 });

    const after = setCondition(
      before,
      { ...ready, reason: "StillPending", message: "still" },
      { generation: 2, now: t1 },
    );

    expect(after[0]).toMatchObject({
      reason: "StillPending",
      message: "still",
      observedGeneration: 2,
      lastTransitionTime: t0.toISOString(),
    });
  });

  it("when the status flips, moves the transition time", () => {
    const before = setCondition([], ready, { generation: 1, now: t0 });

    const after = setCondition(
      before,
      { ...ready, status: "True", reason: "Done" },
      { generation: 1, now: t1 },
    );

    expect(findCondition(after, "Ready")?.lastTransitionTime).toBe(t1.toISOString());
  });

  it("when other conditions exist, keeps them and their order", () => {
    const two = setCondition(
      setCondition([], { ...ready, type: "Admitted" }, { generation: 1, now: t0 }),
      ready,
      { generation: 1, now: t0 },
    );

    const after = setCondition(
      two,
      { ...ready, type: "Admitted", status: "True" },
      { generation: 1, now: t1 },
    );

    expect(after.map((c) => c.type)).toEqual(["Admitted", "Ready"]);
  });

  it("when a message is longer than 1024 characters, cuts it", () => {
    const conditions = setCondition(
      [],
      { ...ready, message: "x".repeat(5000) },
      { generation: 1, now: t0 },
    );

    expect(conditions[0]?.message).toHaveLength(1024);
  });
});
