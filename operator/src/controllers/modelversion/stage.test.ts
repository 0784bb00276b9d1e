import type { ModelVersion } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { makeModelVersion } from "../../../test/builders/serving.js";
import { STAGE_CHANGE_ANNOTATION, nextStageHistory, outrankedBy } from "./stage.js";

const now = new Date("2026-11-22T03:00:00.000Z");

function withAnnotation(mv: ModelVersion, change: object): ModelVersion {
  mv.metadata.annotations = { [STAGE_CHANGE_ANNOTATION]: JSON.stringify(change) };
  return mv;
}

describe("nextStageHistory", () => {
  it("when the version has no history, starts it at its creation", () => {
    const mv = makeModelVersion("a-v1", "ml");
    mv.metadata.creationTimestamp = "2026-11-01T00:00:00Z";

    expect(nextStageHistory(mv, now)).toEqual([{ stage: "staging", time: "2026-11-01T00:00:00Z" }]);
  });

  it("when the CLI changed the stage, records who and when from its annotation", () => {
    const mv = withAnnotation(makeModelVersion("a-v1", "ml", { stage: "production" }), {
      stage: "production",
      time: "2026-11-22T02:59:00.000Z",
      by: "alice",
    });
    mv.status = { stageHistory: [{ stage: "staging", time: "2026-11-01T00:00:00Z" }] };

    expect(nextStageHistory(mv, now).at(-1)).toEqual({
      stage: "production",
      time: "2026-11-22T02:59:00.000Z",
      by: "alice",
    });
  });

  it("when the stage changed without an annotation, records it now without a name", () => {
    const mv = makeModelVersion("a-v1", "ml", { stage: "archived" });
    mv.status = { stageHistory: [{ stage: "staging", time: "2026-11-01T00:00:00Z" }] };

    expect(nextStageHistory(mv, now).at(-1)).toEqual({
      stage: "archived",
      time: now.toISOString(),
    });
  });

  it("when the stage is unchanged, keeps the history as it is", () => {
    const mv = makeModelVersion("a-v1", "ml");
    mv.status = { stageHistory: [{ stage: "staging", time: "2026-11-01T00:00:00Z" }] };

    expect(nextStageHistory(mv, now)).toBe(mv.status.stageHistory);
  });
});

describe("outrankedBy", () => {
  const production = (name: string, time: string) =>
    withAnnotation(makeModelVersion(name, "ml", { stage: "production" }), {
      stage: "production",
      time,
    });

  it("when another version of the model was promoted later, names it", () => {
    const older = production("a-v1", "2026-11-01T00:00:00Z");
    const newer = production("a-v2", "2026-11-02T00:00:00.5Z");

    expect(outrankedBy(older, [older, newer])?.metadata.name).toBe("a-v2");
    expect(outrankedBy(newer, [older, newer])).toBeUndefined();
  });

  it("when the other production version belongs to another model, ignores it", () => {
    const mine = production("a-v1", "2026-11-01T00:00:00Z");
    const other = production("b-v1", "2026-11-02T00:00:00Z");
    other.spec.model = "other";

    expect(outrankedBy(mine, [mine, other])).toBeUndefined();
  });

  it("when both were promoted at the same time, keeps the one whose name sorts last", () => {
    const a = production("a-v1", "2026-11-01T00:00:00Z");
    const b = production("a-v2", "2026-11-01T00:00:00Z");

    expect(outrankedBy(a, [a, b])?.metadata.name).toBe("a-v2");
    expect(outrankedBy(b, [a, b])).toBeUndefined();
  });
});
