// Chooses the version a run's result will be registered as: the next unused "vN" of the
// model in the namespace, counting both registered versions and versions other runs
// have already reserved in their status. Chosen once, then kept in status.
import type { FineTuneJob, ModelVersion } from "@kubetune/api";

const NUMBERED = /^v(\d+)$/;

export function nextVersion(
  model: string,
  versions: readonly ModelVersion[],
  runs: readonly FineTuneJob[],
): string {
  const taken = [
    ...versions.filter((mv) => mv.spec.model === model).map((mv) => mv.spec.version),
    ...runs.filter((run) => run.spec.model === model).map((run) => run.status?.version),
  ];
  const highest = taken.reduce((max, version) => {
    const match = NUMBERED.exec(version ?? "");
    return match?.[1] ? Math.max(max, Number(match[1])) : max;
  }, 0);
  return `v${highest + 1}`;
}
