// Progressive rollouts judged by a real Prometheus scraping the routers on the real node:
// a healthy candidate walks its steps under live traffic and becomes production; a
// candidate starved of CPU (a real misconfiguration: its latency soars under load) fails
// its p99 analysis and is rolled back on the operator's own, within one analysis interval
// of the failure showing in Prometheus; and the kubetune CLI reads and moves real routes.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubetune } from "../support/kubetune-cli.js";
import { queryPrometheus } from "../support/prometheus.js";
import { POLL_MS } from "../support/timeouts.js";
import type { RoutesFixture } from "./routes-fixture.js";
import { FIXTURE_MS, routesFixture } from "./routes-fixture.js";
import { abVariants, encoderVersion, route } from "./serving-objects.js";
import { BackgroundLoad, sendRequests, untilServing } from "./serving-traffic.js";

let f: RoutesFixture;
let stopFixture: (() => Promise<void>) | undefined;
const SERVE_MS = 240_000;
const poll = (timeout: number) => ({ timeout, interval: POLL_MS });
const ANALYSIS_SECONDS = 10;
const MAX_P99_SECONDS = 0.25;

beforeAll(async () => {
  f = await routesFixture("rollout");
  stopFixture = () => f.stop();
  const { encoder } = f.artifacts;
  await f.api.create(encoderVersion("arxiv-v1", encoder, { stage: "production" }));
  await f.api.create(encoderVersion("arxiv-v2", encoder));
  // A fortieth of a core: enough to start and answer probes, far too little for real load.
  await f.api.create(
    encoderVersion("arxiv-starved", encoder, {
      serving: {
        replicas: 1,
        threads: 1,
        resources: {
          requests: { cpu: "25m", memory: "96Mi" },
          limits: { cpu: "25m", memory: "768Mi" },
        },
      },
    }),
  );
}, FIXTURE_MS);

afterAll(async () => {
  await stopFixture?.();
});

const progressing = (name: string) => f.api.condition("InferenceRoute", name, "Progressing");
const stage = async (name: string) => (await f.api.version(name))?.spec.stage;

function rolloutRoute(name: string, candidate: string, steps: { weight: number; pause: string }[]) {
  return route(name, {
    variants: abVariants(candidate, 100),
    rollout: {
      candidate: "candidate",
      steps,
      analysis: {
        interval: `${ANALYSIS_SECONDS}s`,
        maxErrorRate: "0.05",
        maxP99LatencySeconds: String(MAX_P99_SECONDS),
      },
    },
  });
}

/** Waits for the route's router to serve, then keeps requests flowing through it. */
async function loadOn(name: string): Promise<BackgroundLoad> {
  await expect
    .poll(() => f.api.condition("InferenceRoute", name, "WeightsApplied"), poll(SERVE_MS))
    .toBe("True/TableApplied");
  const url = await f.api.routeUrl(name);
  await untilServing(url);
  return new BackgroundLoad(url, 2);
}

describe("progressive rollouts on the real node", () => {
  it(
    "when a healthy candidate is rolled out under load, it walks every step and becomes production",
    async () => {
      await f.api.create(
        rolloutRoute("healthy", "arxiv-v2", [
          { weight: 50, pause: "5s" },
          { weight: 100, pause: "5s" },
        ]),
      );
      const load = await loadOn("healthy");

      await expect.poll(() => progressing("healthy"), poll(SERVE_MS)).toBe("False/Completed");
      const tally = await load.stop();

      expect(tally.failures).toEqual([]);
      expect(await f.api.appliedWeights("healthy")).toEqual({ stable: 0, candidate: 100 });
      await expect.poll(() => stage("arxiv-v2"), poll(30_000)).toBe("production");
      await expect.poll(() => stage("arxiv-v1"), poll(30_000)).toBe("staging");
      const analysis = (await f.api.route("healthy"))?.status?.rollout?.lastAnalysis;
      expect(analysis?.passed).toBe(true);
      console.error(
        `[rollout] healthy candidate promoted; last analysis: ${analysis?.message ?? ""}`,
      );
    },
    SERVE_MS * 2,
  );

  it(
    "when a candidate is too slow under load, the analysis fails in Prometheus and the rollout rolls back on its own",
    async () => {
      // Served first as a dark variant, so the rollout measures the version, not its start.
      const canary = rolloutRoute("canary", "arxiv-starved", [
        { weight: 50, pause: "5m" },
        { weight: 100, pause: "5m" },
      ]);
      const { rollout, ...withoutRollout } = canary.spec;
      await f.api.create({ ...canary, spec: withoutRollout });
      await expect
        .poll(() => f.api.condition("ModelVersion", "arxiv-starved", "Ready"), poll(SERVE_MS))
        .toBe("True/ReplicasReady");
      await f.api.patchRoute("canary", rollout ? { rollout } : {});
      const load = await loadOn("canary");
      const p99 = `histogram_quantile(0.99, sum by (le) (rate(kubetune_router_request_duration_seconds_bucket{namespace="${f.api.namespace}",route="canary",variant="candidate"}[${ANALYSIS_SECONDS}s])))`;
      let failureSeen: number | undefined;
      const watch = setInterval(() => {
        void queryPrometheus(f.prometheus.url, p99).then((value) => {
          if (failureSeen === undefined && value !== undefined && value > MAX_P99_SECONDS)
            failureSeen = performance.now();
        });
      }, POLL_MS);

      await expect.poll(() => progressing("canary"), poll(SERVE_MS)).toBe("False/RolledBack");
      const rolledBack = performance.now();
      clearInterval(watch);
      await load.stop();

      const analysis = (await f.api.route("canary"))?.status?.rollout?.lastAnalysis;
      expect(analysis?.passed).toBe(false);
      expect(Number(analysis?.p99LatencySeconds)).toBeGreaterThan(MAX_P99_SECONDS);
      expect(failureSeen).toBeDefined();
      console.error(
        `[rollout] target: rolled back ${((rolledBack - (failureSeen ?? rolledBack)) / 1000).toFixed(1)} s after Prometheus first showed p99 above ${MAX_P99_SECONDS} s (interval ${ANALYSIS_SECONDS} s); ${analysis?.message ?? ""}`,
      );
      await expect
        .poll(() => f.api.appliedWeights("canary"), poll(30_000))
        .toEqual({ stable: 100, candidate: 0 });
      const after = await sendRequests(await f.api.routeUrl("canary"), 20);
      expect([...after.byVariant.keys()]).toEqual(["stable"]);
    },
    SERVE_MS * 2,
  );

  it(
    "when kubetune promotes and rolls back a real route, the traffic follows and status shows it",
    async () => {
      const cli = (...args: string[]) =>
        kubetune(inject("kubeconfig"), ...args, "-n", f.api.namespace);
      await f.api.create(
        route("cli", {
          variants: abVariants("arxiv-v2", 100),
        }),
      );
      await expect
        .poll(() => f.api.condition("InferenceRoute", "cli", "WeightsApplied"), poll(SERVE_MS))
        .toBe("True/TableApplied");
      const url = await f.api.routeUrl("cli");
      await untilServing(url);

      const promoted = cli("promote", "cli", "candidate", "--now");
      expect(promoted).toMatchObject({ code: 0, stderr: "" });
      await expect
        .poll(() => f.api.appliedWeights("cli"), poll(30_000))
        .toEqual({ stable: 0, candidate: 100 });
      expect([...(await sendRequests(url, 20)).byVariant.keys()]).toEqual(["candidate"]);
      const status = cli("status", "cli");
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/candidate\s+arxiv-v2\s+100%/);
      expect(status.stdout).toMatch(/WeightsApplied\s+True\s+TableApplied/);

      const rolledBack = cli("rollback", "cli");
      expect(rolledBack).toMatchObject({ code: 0, stderr: "" });
      await expect
        .poll(() => f.api.appliedWeights("cli"), poll(30_000))
        .toEqual({ stable: 100, candidate: 0 });
      expect([...(await sendRequests(url, 20)).byVariant.keys()]).toEqual(["stable"]);
      await expect.poll(() => stage("arxiv-v1"), poll(30_000)).toBe("production");
      const versions = cli("versions", "arxiv-classifier");
      expect(versions.code).toBe(0);
      expect(versions.stdout).toMatch(/arxiv-v1\s+arxiv-v1\s+production\s+encoder\s+True/);
    },
    SERVE_MS,
  );
});
