// Chooses the version a run's result will be registered as: the next unused "vN" of the
// model in the namespace, counting registered versions, versions other runs recorded in
// their status, and versions this process reserved but whose status write the cache has
// not shown yet. Chosen once, then kept: in the run's trainer input, then in its status.
import type { FineTuneJob, ModelVersion } from "@kubetune/api";

const NUMBERED = /^v(\d+)$/;

export function nextVersion(
  model: string,
  versions: readonly ModelVersion[],
  runs: readonly FineTuneJob[],
  reserved: readonly string[] = [],
): string {
  const taken = [
    ...versions.filter((mv) => mv.spec.model === model).map((mv) => mv.spec.version),
    ...runs.filter((run) => run.spec.model === model).map((run) => run.status?.version),
    ...reserved,
  ];
  const highest = taken.reduce((max, version) => {
    const match = NUMBERED.exec(version ?? "");
    return match?.[1] ? Math.max(max, Number(match[1])) : max;
  }, 0);
  return `v${highest + 1}`;
}

/**
 * Versions reserved by this process, by run uid, until the run's status (as the cache
 * shows it) carries them. Several workers reconcile runs of the same model at once, and
 * each reads the other runs from a cache that lags the others' writes by a moment: the
 * ledger is what keeps two of them from choosing the same version. One operator acts at
 * a time (leader election), so a process-local ledger is enough.
 */
export class VersionLedger {
  private readonly byRun = new Map<string, { scope: string; version: string }>();

  /**
   * Reserves the next version for `run` (or returns the one already reserved for it),
   * given the model's versions and runs as the cache shows them.
   */
  reserve(run: FineTuneJob, versions: readonly ModelVersion[], runs: readonly FineTuneJob[]) {
    // A reservation the cache already shows in a run's status needs no ledger entry.
    for (const shown of runs) if (shown.status?.version) this.byRun.delete(uidOf(shown));
    const uid = uidOf(run);
    const existing = this.byRun.get(uid);
    if (existing) return existing.version;
    const scope = `${run.metadata.namespace ?? ""}/${run.spec.model}`;
    const reserved = [...this.byRun.values()]
      .filter((entry) => entry.scope === scope)
      .map((entry) => entry.version);
    const version = nextVersion(run.spec.model, versions, runs, reserved);
    this.byRun.set(uid, { scope, version });
    return version;
  }

  get size(): number {
    return this.byRun.size;
  }
}

function uidOf(run: FineTuneJob): string {
  return run.metadata.uid ?? run.metadata.name;
}
