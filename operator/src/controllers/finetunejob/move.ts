// Moves an auto-placed run whose training pod stayed unschedulable past the timeout to
// the next cheapest pool that fits, remembering the pools already tried.
import type { GpuPool } from "@kubetune/api";
import type { ReconcileResult } from "../../runtime/controller.js";
import { Kinds } from "../../runtime/kinds.js";
import { capacity } from "./capacity.js";
import { trainerNames } from "./desired.js";
import type { Placement } from "./placement.js";
import { choosePool } from "./placement.js";
import type { FineTuneJobDeps } from "./reconciler.js";
import { unschedulableFor } from "./reschedule.js";
import type { Observed } from "./status.js";

export interface Placed {
  pools: GpuPool[];
  placement: Placement & { placed: true };
}

export async function moveIfStuck(
  observed: Observed,
  placed: Placed,
  deps: FineTuneJobDeps,
): Promise<ReconcileResult> {
  const { ftj } = observed;
  const waiting = unschedulableFor(ftj, observed.pods, observed.now, deps.unschedulableTimeoutMs);
  if (!waiting.move) return waiting.recheckInMs ? { requeueAfterMs: waiting.recheckInMs } : {};
  const tried = [...(ftj.status?.placement?.triedPools ?? []), placed.placement.pool.name];
  const next = choosePool({
    spec: ftj.spec,
    pools: placed.pools,
    estimate: deps.estimate,
    freeGpus: await capacity(deps.client),
    exclude: tried,
  });
  if (!next.placed) return {}; // nowhere else fits: keep waiting where we are
  const scope = ftj.metadata.namespace ? { namespace: ftj.metadata.namespace } : {};
  await deps.client.delete(Kinds.Job, { ...scope, name: trainerNames(ftj.metadata.name).job });
  const seconds = Math.round((observed.now.getTime() - waiting.since.getTime()) / 1000);
  deps.events.warning(
    ftj,
    "Rescheduled",
    `the training pod stayed unschedulable on pool ${placed.placement.pool.name} for ${seconds}s; moving the run to pool ${next.pool.name}`,
  );
  observed.placement = next;
  observed.triedPools = tried;
  observed.job = undefined;
  observed.pods = [];
  return {};
}
