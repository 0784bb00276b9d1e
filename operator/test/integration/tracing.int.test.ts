// The operator as it runs in a pod (the built process), exporting its reconcile spans to
// an OTLP/HTTP collector named by the standard environment.
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { contract } from "../../../crds/test/manifests.js";
import { applyObject, createNamespace, loadKubeConfig } from "../../../e2e/support/kube.js";
import { spawnOperator } from "../../../e2e/support/operator-process.js";
import { startOtlpReceiver } from "../../../e2e/support/otlp-receiver.js";
import type { OtlpReceiver } from "../../../e2e/support/otlp-receiver.js";
import { MEDIUM_MS, POLL_MS } from "../../../e2e/support/timeouts.js";

let kc: KubeConfig;
let namespace: string;
let removeNamespace: () => Promise<void>;
let collector: OtlpReceiver;
let operator: ChildProcess;

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "traces"));
  collector = await startOtlpReceiver();
  operator = await spawnOperator(
    inject("kubeconfig"),
    {
      KUBETUNE_NAMESPACE: namespace,
      KUBETUNE_HEALTH_ADDR: "127.0.0.1:18093",
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: "200",
    },
    "ignore",
  );
});

afterAll(async () => {
  if (operator.exitCode === null) {
    operator.kill("SIGTERM");
    await once(operator, "exit");
  }
  await collector.close();
  await removeNamespace();
});

describe("the operator's traces", () => {
  it("when it reconciles a FineTuneJob, exports a reconcile span named for the run to the collector", async () => {
    const ftj = contract("FineTuneJob");
    await applyObject(kc, {
      ...ftj,
      metadata: { ...ftj.metadata, name: "traced", namespace },
    });

    // Runs left by other suites may be reconciled too: wait for this run's own span.
    const key = `"${namespace}/traced"`;
    await expect
      .poll(
        () =>
          collector.spans().some((s) => s.service === "kubetune-operator") &&
          collector.received.some(
            (r) => r.body.includes(key) && r.body.includes('"reconcile finetunejob"'),
          ),
        { timeout: MEDIUM_MS, interval: POLL_MS },
      )
      .toBe(true);
  });
});
