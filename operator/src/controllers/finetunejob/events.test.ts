import type { FineTuneJobStatus } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { FakeClient } from "../../../test/fake-client.js";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import type { ConditionInput } from "../../runtime/conditions.js";
import { setCondition } from "../../runtime/conditions.js";
import { recordTransitions } from "./events.js";

const context = { generation: 1, now: new Date("2026-11-21T12:00:00Z") };

type Row = readonly [type: string, status: ConditionInput["status"], reason: string];

function statusWith(rows: readonly Row[]): FineTuneJobStatus {
  const pending: ConditionInput = {
    type: "Ready",
    status: "False",
    reason: "Pending",
    message: "",
  };
  const conditions = rows.reduce(
    (all, [type, status, reason]) =>
      setCondition(all, { type, status, reason, message: reason }, context),
    setCondition([], pending, context),
  );
  return { conditions };
}

function eventsFor(before: FineTuneJobStatus, after: FineTuneJobStatus) {
  const client = new FakeClient();
  recordTransitions(makeFineTuneJob().status(before).obj(), after, client.recorder());
  return client.events.map((e) => `${e.type}/${e.reason}`);
}

describe("recordTransitions", () => {
  it.each([
    ["the run is placed", [], [["Admitted", "True", "Placed"]], ["Normal/Placed"]],
    ["placement is still pending", [], [["Admitted", "Unknown", "Pending"]], []],
    [
      "no pool holds the run",
      [],
      [["Admitted", "False", "InsufficientGPUMemory"]],
      ["Warning/InsufficientGPUMemory"],
    ],
    [
      "the pod is scheduled (the scheduler's own event says so)",
      [["Admitted", "True", "Placed"]],
      [
        ["Admitted", "True", "Placed"],
        ["Scheduled", "True", "PodScheduled"],
      ],
      [],
    ],
    [
      "the pod cannot be scheduled",
      [["Admitted", "True", "Placed"]],
      [
        ["Admitted", "True", "Placed"],
        ["Scheduled", "False", "InsufficientGPU"],
      ],
      ["Warning/InsufficientGPU"],
    ],
    [
      "the run fails",
      [["Running", "True", "Training"]],
      [
        ["Running", "False", "GPUOutOfMemory"],
        ["Failed", "True", "GPUOutOfMemory"],
      ],
      ["Warning/GPUOutOfMemory"],
    ],
    ["nothing changed", [["Admitted", "True", "Placed"]], [["Admitted", "True", "Placed"]], []],
  ] satisfies [string, Row[], Row[], string[]][])(
    "when %s, records %j",
    (_case, before, after, expected) => {
      const events = eventsFor(statusWith(before), statusWith(after));

      expect(events).toEqual(expected);
    },
  );
});
