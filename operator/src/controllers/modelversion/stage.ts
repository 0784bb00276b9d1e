// Stage bookkeeping. Who changed a stage and when comes from an annotation the kubetune
// CLI (and the operator, when it demotes or promotes) writes with the change; a change
// made some other way (kubectl patch) is recorded when the operator first sees it.
import type { ModelVersion, ModelVersionStatus, Stage } from "@kubetune/api";
import { STAGES } from "@kubetune/api";

export const STAGE_CHANGE_ANNOTATION = "kubetune.io/stage-change";
const HISTORY_LIMIT = 32;

export interface StageChange {
  stage: Stage;
  time: string;
  by?: string;
}

type StageHistory = NonNullable<ModelVersionStatus["stageHistory"]>;

export function stageOf(mv: ModelVersion): Stage {
  return mv.spec.stage ?? "candidate";
}

/** The annotation's change, when it is well formed. */
export function annotatedChange(mv: ModelVersion): StageChange | undefined {
  const text = mv.metadata.annotations?.[STAGE_CHANGE_ANNOTATION];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StageChange>;
    const stage = STAGES.find((s) => s === value.stage);
    if (!stage || typeof value.time !== "string" || Number.isNaN(Date.parse(value.time)))
      return undefined;
    return typeof value.by === "string"
      ? { stage, time: value.time, by: value.by }
      : { stage, time: value.time };
  } catch {
    return undefined;
  }
}

/** The metadata patch that records a stage change beside it. */
export function stageChangePatch(stage: Stage, by: string, now: Date): object {
  const change: StageChange = { stage, time: now.toISOString(), by };
  return {
    metadata: { annotations: { [STAGE_CHANGE_ANNOTATION]: JSON.stringify(change) } },
    spec: { stage },
  };
}

/** The history with the current stage appended when it differs from the last entry. */
export function nextStageHistory(mv: ModelVersion, now: Date): StageHistory {
  const history = mv.status?.stageHistory ?? [];
  const stage = stageOf(mv);
  if (history.at(-1)?.stage === stage) return history;
  const annotated = annotatedChange(mv);
  const change: StageChange =
    annotated?.stage === stage
      ? annotated
      : {
          stage,
          // The first entry dates from the version's creation; later unannotated changes from now.
          time:
            history.length === 0
              ? (mv.metadata.creationTimestamp ?? now.toISOString())
              : now.toISOString(),
        };
  return [...history, change].slice(-HISTORY_LIMIT);
}

/** When the version last entered production, for choosing among several. */
function productionSince(mv: ModelVersion): string {
  const annotated = annotatedChange(mv);
  const entry = [...(mv.status?.stageHistory ?? [])]
    .reverse()
    .find((c) => c.stage === "production");
  const time =
    annotated?.stage === "production"
      ? annotated.time
      : (entry?.time ?? mv.metadata.creationTimestamp);
  // Normalised, so that times with and without fractions compare as text.
  return time ? new Date(time).toISOString() : "";
}

/**
 * At most one production version per model: when several are, the one promoted last
 * stays and the others move to staging. Returns the version that outranks `mv`, if any.
 */
export function outrankedBy(
  mv: ModelVersion,
  versions: readonly ModelVersion[],
): ModelVersion | undefined {
  if (stageOf(mv) !== "production") return undefined;
  const rank = (v: ModelVersion) => `${productionSince(v)}\u0000${v.metadata.name}`;
  const mine = rank(mv);
  return versions.find(
    (other) =>
      other.metadata.name !== mv.metadata.name &&
      other.spec.model === mv.spec.model &&
      stageOf(other) === "production" &&
      rank(other) > mine,
  );
}
