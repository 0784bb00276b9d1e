// Two replicas on one Lease: never both leading, and a standby takes over when the
// leader steps down.
import type { KubeConfig } from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createNamespace, loadKubeConfig } from "../../../e2e/support/kube.js";
import { MEDIUM_MS, POLL_MS } from "../../../e2e/support/timeouts.js";
import { LeaderElector } from "../../src/runtime/leader-election.js";
import { jsonLogger } from "../../src/runtime/logger.js";

let kc: KubeConfig;
let namespace: string;
let removeNamespace: () => Promise<void>;

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "lease"));
});

afterAll(async () => {
  await removeNamespace();
});

function replica(identity: string): LeaderElector {
  // Short enough for a quick test, with room for a loaded CI machine to renew in time.
  const timing = { leaseDurationSeconds: 6, renewDeadlineSeconds: 4, retryPeriodSeconds: 1 };
  return new LeaderElector(
    kc,
    { namespace, name: "kubetune-operator", identity, ...timing },
    jsonLogger({}, () => undefined),
  );
}

describe("leader election on a Lease", () => {
  it("when two replicas run, exactly one leads, and the other takes over when it steps down", async () => {
    const first = replica("first");
    const second = replica("second");
    const started: string[] = [];
    void first.run(() => started.push("first"));
    await expect.poll(() => first.isLeader(), { timeout: MEDIUM_MS, interval: POLL_MS }).toBe(true);
    void second.run(() => started.push("second"));

    // Over several lease durations, the standby never leads while the leader renews.
    for (let i = 0; i < 16; i++) {
      expect([first.isLeader(), second.isLeader()]).toEqual([true, false]);
      await sleep(500);
    }
    await first.stop();

    await expect
      .poll(() => second.isLeader(), { timeout: MEDIUM_MS, interval: POLL_MS })
      .toBe(true);
    expect(first.isLeader()).toBe(false);
    expect(started).toEqual(["first", "second"]);
    await second.stop();
  });
});
