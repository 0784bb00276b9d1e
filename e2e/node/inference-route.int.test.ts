// The operator serving real traffic on the real node: ModelVersions of the project's
// encoder model and tiny GGUF become Deployments whose pods fetch and verify their
// artifacts; InferenceRoutes become routers the operator pushes its tables to and hears
// confirm them. Requests through a route's Service split by weight (as the routers'
// metrics, scraped by a real Prometheus, count), stick by header, escalate to the LLM,
// keep flowing without a failure while weights change, and avoid a broken version.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryPrometheus } from "../support/prometheus.js";
import { POLL_MS } from "../support/timeouts.js";
import type { RoutesFixture } from "./routes-fixture.js";
import { FIXTURE_MS, routesFixture } from "./routes-fixture.js";
import { abVariants, encoderVersion, llmVersion, route } from "./serving-objects.js";
import { BackgroundLoad, sendRequests, untilServing } from "./serving-traffic.js";

let f: RoutesFixture;
let stopFixture: (() => Promise<void>) | undefined;
const urls: Record<string, string> = {};
// Pods pull nothing, but start a Node process and load a model on a shared CPU.
const SERVE_MS = 240_000;
const poll = (timeout: number) => ({ timeout, interval: POLL_MS });
const since = (start: number) => ((performance.now() - start) / 1000).toFixed(2);

beforeAll(async () => {
  f = await routesFixture("routes");
  stopFixture = () => f.stop();
}, FIXTURE_MS);

afterAll(async () => {
  await stopFixture?.();
});

const ready = (name: string) => f.api.condition("ModelVersion", name, "Ready");
const applied = (name: string) => f.api.condition("InferenceRoute", name, "WeightsApplied");

/** The route's requests by variant, as Prometheus has them from the router's /metrics. */
async function scrapedByVariant(routeName: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const variant of ["stable", "candidate"]) {
    const selector = `namespace="${f.api.namespace}",route="${routeName}",variant="${variant}"`;
    counts[variant] =
      (await queryPrometheus(
        f.prometheus.url,
        `sum(kubetune_router_requests_total{${selector}})`,
      )) ?? 0;
  }
  return counts;
}

describe("InferenceRoutes on the real node", () => {
  it(
    "when versions are referenced by a 90/10 route and a cascade route, their pods become Ready and both routes confirm their tables",
    async () => {
      const started = performance.now();
      const { encoder, llm } = f.artifacts;
      await f.api.create(encoderVersion("arxiv-v1", encoder, { stage: "production" }));
      await f.api.create(encoderVersion("arxiv-v2", encoder));
      await f.api.create(llmVersion("arxiv-llm-v1", llm));
      await f.api.create(
        route("arxiv", {
          variants: abVariants("arxiv-v2", 90),
          stickiness: { header: "x-user" },
        }),
      );
      await f.api.create(
        route("hybrid", {
          variants: [{ name: "encoder", modelVersion: "arxiv-v1", weight: 100 }],
          cascade: { escalateTo: "arxiv-llm-v1", confidenceThreshold: "0.9" },
        }),
      );

      for (const name of ["arxiv-v1", "arxiv-v2", "arxiv-llm-v1"])
        await expect.poll(() => ready(name), poll(SERVE_MS)).toBe("True/ReplicasReady");
      await expect.poll(() => applied("arxiv"), poll(SERVE_MS)).toBe("True/TableApplied");
      await expect.poll(() => applied("hybrid"), poll(SERVE_MS)).toBe("True/TableApplied");
      console.error(
        `[routes] versions served, both tables applied ${since(started)} s after creation`,
      );
      expect(await f.api.condition("ModelVersion", "arxiv-v1", "ArtifactVerified")).toBe(
        "True/Verified",
      );
      expect(await f.api.appliedWeights("arxiv")).toEqual({ stable: 90, candidate: 10 });
      urls.arxiv = await f.api.routeUrl("arxiv");
      urls.hybrid = await f.api.routeUrl("hybrid");
    },
    SERVE_MS * 2,
  );

  it("when a route naming versions already served is applied, WeightsApplied=True follows within seconds", async () => {
    const started = performance.now();
    await f.api.create(
      route("second", {
        variants: abVariants("arxiv-v2", 50),
      }),
    );

    await expect.poll(() => applied("second"), poll(60_000)).toBe("True/TableApplied");
    console.error(
      `[routes] target: WeightsApplied=True ${since(started)} s after the route was applied`,
    );
  });

  it("when 300 requests go through the route's Service, about 90% reach stable, as the router's scraped metrics count", async () => {
    const tally = await sendRequests(urls.arxiv ?? "", 300);

    expect(tally.failures).toEqual([]);
    const stable = tally.byVariant.get("stable") ?? 0;
    expect(stable + (tally.byVariant.get("candidate") ?? 0)).toBe(300);
    // 90% of 300 is 270 with a standard deviation of about 5: these bounds are 3.5 of it.
    expect(stable).toBeGreaterThanOrEqual(252);
    expect(stable).toBeLessThanOrEqual(288);
    await expect
      .poll(() => scrapedByVariant("arxiv"), poll(30_000))
      .toEqual({ stable, candidate: 300 - stable });
  });

  it("when users send a sticky header, each stays on one variant", async () => {
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const seen = new Map<string, Set<string>>();
    for (const user of users) {
      const tally = await sendRequests(urls.arxiv ?? "", 8, {
        concurrency: 2,
        headers: () => ({ "x-user": user }),
      });
      expect(tally.failures).toEqual([]);
      seen.set(user, new Set(tally.byVariant.keys()));
    }

    for (const variants of seen.values()) expect(variants.size).toBe(1);
  });

  it("when documents are less certain than the cascade's threshold, the LLM version answers them", async () => {
    const tally = await sendRequests(urls.hybrid ?? "", 12, { concurrency: 2 });

    expect(tally.failures).toEqual([]);
    expect(tally.escalated).toBeGreaterThan(0);
    const escalations = `sum(kubetune_router_escalations_total{namespace="${f.api.namespace}",route="hybrid"})`;
    await expect
      .poll(async () => (await queryPrometheus(f.prometheus.url, escalations)) ?? 0, poll(30_000))
      .toBeGreaterThan(0);
  }, 120_000);

  it("when the weights change under load, the router takes them at once and no request fails", async () => {
    const load = new BackgroundLoad(urls.arxiv ?? "", 3);
    const timings: string[] = [];
    for (const stableWeight of [50, 0, 90]) {
      const started = performance.now();
      await f.api.patchRoute("arxiv", {
        variants: abVariants("arxiv-v2", stableWeight),
      });
      await expect
        .poll(() => f.api.appliedWeights("arxiv"), poll(30_000))
        .toEqual({ stable: stableWeight, candidate: 100 - stableWeight });
      timings.push(`${stableWeight}/${100 - stableWeight} in ${since(started)} s`);
    }
    const tally = await load.stop();

    console.error(
      `[routes] target: weights applied ${timings.join(", ")}; ${load.requests} requests, ${tally.failures.length} failed`,
    );
    expect(tally.failures).toEqual([]);
    expect(tally.byVariant.get("candidate") ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it(
    "when a candidate's artifact fails its digest, the route says why and every request goes to stable",
    async () => {
      const wrong = { ...f.artifacts.encoder, digest: `sha256:${"0".repeat(64)}` };
      await f.api.create(encoderVersion("arxiv-broken", wrong));
      await f.api.create(
        route("guarded", {
          variants: abVariants("arxiv-broken", 50),
        }),
      );

      await expect
        .poll(
          () => f.api.condition("ModelVersion", "arxiv-broken", "ArtifactVerified"),
          poll(SERVE_MS),
        )
        .toBe("False/DigestMismatch");
      await expect.poll(() => applied("guarded"), poll(60_000)).toBe("True/TableApplied");
      expect(await f.api.appliedWeights("guarded")).toEqual({ stable: 100, candidate: 0 });
      const backends = (await f.api.route("guarded"))?.status?.conditions?.find(
        (c) => c.type === "BackendsReady",
      );
      expect(backends?.status).toBe("False");
      expect(backends?.message).toContain("arxiv-broken");
      const url = await f.api.routeUrl("guarded");
      await untilServing(url);
      const tally = await sendRequests(url, 40);
      expect(tally.failures).toEqual([]);
      expect([...tally.byVariant.keys()]).toEqual(["stable"]);
    },
    SERVE_MS,
  );
});
