import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { unschedulableFor } from "./reschedule.js";

const since = new Date("2026-11-21T12:00:00Z");
const pending: V1Pod = {
  spec: { containers: [] },
  status: {
    phase: "Pending",
    conditions: [
      { type: "PodScheduled", status: "False", reason: "Unschedulable", lastTransitionTime: since },
    ],
  },
};
const at = (seconds: number) => new Date(since.getTime() + seconds * 1000);

describe("unschedulableFor", () => {
  it("when the pod has been unschedulable for less than the timeout, waits and says when to look again", () => {
    expect(unschedulableFor(makeFineTuneJob().obj(), [pending], at(60), 300_000)).toEqual({
      move: false,
      recheckInMs: 240_000,
    });
  });

  it("when the pod has been unschedulable for the whole timeout, moves the run", () => {
    expect(unschedulableFor(makeFineTuneJob().obj(), [pending], at(300), 300_000)).toEqual({
      move: true,
      since,
    });
  });

  it("when the run named its pool, never moves it", () => {
    const ftj = makeFineTuneJob()
      .spec({ resources: { gpu: { type: "t4", count: 1 } } })
      .obj();

    expect(unschedulableFor(ftj, [pending], at(3600), 300_000)).toEqual({ move: false });
  });

  it("when the pod is scheduled or merely pending, does nothing", () => {
    const scheduled: V1Pod = {
      spec: { containers: [], nodeName: "t4-0" },
      status: { phase: "Running" },
    };
    const fresh: V1Pod = { spec: { containers: [] }, status: { phase: "Pending" } };

    expect(
      unschedulableFor(makeFineTuneJob().obj(), [scheduled, fresh], at(3600), 300_000),
    ).toEqual({ move: false });
  });
});
