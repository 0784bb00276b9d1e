// The ModelVersion and InferenceRoute controllers, in process, against the real local
// control plane: Deployments become ReplicaSets and pods, the scheduler places them on
// KWOK nodes and KWOK reports them Ready. Routers there are simulated, so nothing answers
// /v1/routes: routes stay WeightsApplied=False/RouterUnreachable, which is checked too.
import { AppsV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import type { InferenceRoute, ModelVersion, RoutingTable } from "@kubetune/api";
import { ROUTING_TABLE_FILE } from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createNamespace, loadKubeConfig } from "../../../e2e/support/kube.js";
import { kubetune as runKubetune } from "../../../e2e/support/kubetune-cli.js";
import { MEDIUM_MS, POLL_MS } from "../../../e2e/support/timeouts.js";
import { Manager } from "../../src/manager.js";
import { jsonLogger } from "../../src/runtime/logger.js";
import { forCreate, makeModelVersion, makeRoute } from "../builders/serving.js";

let kc: KubeConfig;
let namespace: string;
let removeNamespace: () => Promise<void>;
let manager: Manager;
const poll = { timeout: MEDIUM_MS, interval: POLL_MS };
const group = { group: "kubetune.io", version: "v1alpha1" };

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "serving"));
  manager = new Manager(
    kc,
    {
      namespace,
      identity: "serving-test",
      health: { host: "127.0.0.1", port: 0 },
      leaderElection: false,
      trainerImage: "kubetune/trainer:test",
      images: {
        encoder: "kubetune/encoder:test",
        llm: "kubetune/llm:test",
        router: "kubetune/router:test",
      },
      servingPlacement: {},
      unschedulableTimeoutMs: 3000,
      workers: 2,
      resyncMs: 60_000,
    },
    jsonLogger({}, () => undefined),
  );
  void manager.run();
});

afterAll(async () => {
  await manager.stop();
  if (process.env.KUBETUNE_DEBUG_KEEP !== "true") await removeNamespace();
});

const custom = () => kc.makeApiClient(CustomObjectsApi);

async function create(object: ModelVersion | InferenceRoute): Promise<void> {
  const plural = object.kind === "ModelVersion" ? "modelversions" : "inferenceroutes";
  await custom().createNamespacedCustomObject({
    ...group,
    namespace,
    plural,
    body: forCreate(object),
  });
}

async function read<T>(plural: string, name: string): Promise<T | undefined> {
  try {
    return (await custom().getNamespacedCustomObject({ ...group, namespace, plural, name })) as T;
  } catch {
    return undefined;
  }
}

const version = (name: string) => read<ModelVersion>("modelversions", name);
const route = (name: string) => read<InferenceRoute>("inferenceroutes", name);

async function condition(plural: string, name: string, type: string): Promise<string | undefined> {
  const object = await read<ModelVersion | InferenceRoute>(plural, name);
  const c = object?.status?.conditions?.find((x) => x.type === type);
  return c && `${c.status}/${c.reason}`;
}

async function deployment(name: string) {
  try {
    return await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace });
  } catch {
    return undefined;
  }
}

async function service(name: string) {
  try {
    return await kc.makeApiClient(CoreV1Api).readNamespacedService({ name, namespace });
  } catch {
    return undefined;
  }
}

async function table(routeName: string): Promise<RoutingTable | undefined> {
  try {
    const cm = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: `${routeName}-routing-table`, namespace });
    const text = cm.data?.[ROUTING_TABLE_FILE];
    return text ? (JSON.parse(text) as RoutingTable) : undefined;
  } catch {
    return undefined;
  }
}

describe("serving on the local cluster", () => {
  it("when a route references two versions, serves both and renders the router with their table", async () => {
    await create(makeModelVersion("ab-v3", namespace));
    await create(makeModelVersion("ab-v4", namespace));
    const started = Date.now();
    await create(
      makeRoute("ab", namespace, {
        variants: [
          { name: "stable", modelVersion: "ab-v3", weight: 90 },
          { name: "candidate", modelVersion: "ab-v4", weight: 10 },
        ],
      }),
    );

    await expect.poll(() => deployment("ab-router").then(Boolean), poll).toBe(true);
    await expect.poll(() => deployment("ab-v3-serving").then(Boolean), poll).toBe(true);
    console.error(`[figure] route objects existed ${Date.now() - started} ms after apply`);
    const serving = (await deployment("ab-v3-serving"))!;
    const pod = serving.spec!.template.spec!;
    expect(pod.containers[0]!.image).toBe("kubetune/encoder:test");
    expect(pod.initContainers![0]!.command).toEqual([
      "node",
      "fetch-artifact.js",
      "--uri",
      "s3://models/ab-v3/",
      "--sha256",
      "ab".repeat(32),
      "--dest",
      "/models/model",
    ]);
    expect(pod.containers[0]!.readinessProbe!.httpGet!.path).toBe("/v2/health/ready");
    expect(serving.spec!.template.metadata!.annotations!["prometheus.io/scrape"]).toBe("true");
    expect((await service("ab-v3-serving"))!.spec!.ports![0]!.port).toBe(8080);
    expect((await service("ab"))!.spec!.selector).toMatchObject({
      "kubetune.io/inferenceroute": "ab",
    });

    await expect
      .poll(() => condition("modelversions", "ab-v3", "Ready"), poll)
      .toBe("True/ReplicasReady");
    expect(await condition("modelversions", "ab-v3", "ArtifactVerified")).toBe("True/Verified");
    await expect
      .poll(
        async () => (await table("ab"))?.variants.map((v) => [v.name, v.weight, v.endpoints]),
        poll,
      )
      .toEqual([
        ["stable", 90, [`http://ab-v3-serving.${namespace}.svc:8080`]],
        ["candidate", 10, [`http://ab-v4-serving.${namespace}.svc:8080`]],
      ]);
    await expect
      .poll(() => condition("inferenceroutes", "ab", "BackendsReady"), poll)
      .toBe("True/BackendsReady");
    // KWOK's router pod is simulated: nothing answers the operator's /v1/routes question.
    await expect
      .poll(() => condition("inferenceroutes", "ab", "WeightsApplied"), poll)
      .toBe("False/RouterUnreachable");
    expect((await route("ab"))!.status!.url).toBe(`http://ab.${namespace}.svc:8080`);
  });

  it("when a second route names versions already served, renders its table with their endpoints", async () => {
    await expect
      .poll(() => condition("modelversions", "ab-v4", "Ready"), poll)
      .toBe("True/ReplicasReady");
    const started = Date.now();
    await create(
      makeRoute("ab2", namespace, {
        variants: [
          { name: "left", modelVersion: "ab-v3", weight: 50 },
          { name: "right", modelVersion: "ab-v4", weight: 50 },
        ],
      }),
    );

    await expect
      .poll(async () => (await table("ab2"))?.variants.map((v) => v.endpoints.length), poll)
      .toEqual([1, 1]);
    await expect.poll(() => service("ab2").then(Boolean), poll).toBe(true);
    // A figure for the report, not a threshold: WeightsApplied needs a real router.
    console.error(
      `[figure] table of served versions written ${Date.now() - started} ms after apply`,
    );
  });

  it("when a variant's ModelVersion is missing, gives it weight 0 and says so", async () => {
    await create(makeModelVersion("gap-v3", namespace));
    await create(
      makeRoute("gap", namespace, {
        variants: [
          { name: "stable", modelVersion: "gap-v3", weight: 90 },
          { name: "candidate", modelVersion: "gap-v9", weight: 10 },
        ],
      }),
    );

    await expect
      .poll(async () => (await table("gap"))?.variants.map((v) => [v.name, v.weight]), poll)
      .toEqual([
        ["stable", 100],
        ["candidate", 0],
      ]);
    await expect
      .poll(() => condition("inferenceroutes", "gap", "BackendsReady"), poll)
      .toBe("False/ModelVersionNotFound");
    const variants = (await route("gap"))?.status?.variants;
    expect(variants?.find((v) => v.name === "candidate")).toMatchObject({ desiredWeight: 10 });
  });

  it("when the last route referencing a version goes, its Deployment and Service go too", async () => {
    await create(makeModelVersion("gone-v1", namespace));
    await create(
      makeRoute("gone", namespace, {
        variants: [{ name: "only", modelVersion: "gone-v1", weight: 100 }],
      }),
    );
    await expect.poll(() => deployment("gone-v1-serving").then(Boolean), poll).toBe(true);

    await custom().deleteNamespacedCustomObject({
      ...group,
      namespace,
      plural: "inferenceroutes",
      name: "gone",
    });

    await expect.poll(() => deployment("gone-v1-serving").then(Boolean), poll).toBe(false);
    await expect.poll(() => service("gone-v1-serving").then(Boolean), poll).toBe(false);
    await expect
      .poll(() => condition("modelversions", "gone-v1", "Ready"), poll)
      .toBe("False/NotReferenced");
    expect((await version("gone-v1"))?.status?.endpoint).toBeUndefined();
  });

  it("when a second version of a model becomes production, the first moves to staging", async () => {
    await create(makeModelVersion("prod-v1", namespace, { model: "prod", stage: "production" }));
    await expect
      .poll(async () => (await version("prod-v1"))?.status?.stageHistory?.length, poll)
      .toBe(1);

    await create(makeModelVersion("prod-v2", namespace, { model: "prod", stage: "production" }));

    await expect.poll(async () => (await version("prod-v1"))?.spec.stage, poll).toBe("staging");
    expect((await version("prod-v2"))?.spec.stage).toBe("production");
    await expect
      .poll(async () => (await version("prod-v1"))?.status?.stageHistory?.map((s) => s.stage), poll)
      .toEqual(["production", "staging"]);
  });

  it("when a new route names an archived version, refuses it and does not serve it", async () => {
    await create(makeModelVersion("old-v3", namespace));
    await create(makeModelVersion("old-v1", namespace, { stage: "archived" }));
    await create(
      makeRoute("old", namespace, {
        variants: [
          { name: "stable", modelVersion: "old-v3", weight: 50 },
          { name: "legacy", modelVersion: "old-v1", weight: 50 },
        ],
      }),
    );

    await expect
      .poll(() => condition("inferenceroutes", "old", "BackendsReady"), poll)
      .toBe("False/ModelVersionArchived");
    expect(await deployment("old-v1-serving")).toBeUndefined();
    expect(await deployment("old-v3-serving")).toBeDefined();
  });

  it("when kubetune versions and status run against the cluster, they show what the operator reports", async () => {
    await expect
      .poll(() => condition("inferenceroutes", "ab", "BackendsReady"), poll)
      .toBe("True/BackendsReady");

    const versions = kubetune("versions", "arxiv-classifier", "-n", namespace);
    const status = kubetune("status", "ab", "-n", namespace);

    expect(versions.code).toBe(0);
    expect(versions.stdout).toMatch(/ab-v3\s+v3\s+staging\s+encoder\s+True \(ReplicasReady\)/);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/stable\s+ab-v3\s+90%/);
    expect(status.stdout).toMatch(/WeightsApplied\s+False\s+RouterUnreachable/);
  });

  it("when kubetune promote --now runs, the route's table sends the variant everything and its version is production", async () => {
    const { code, stdout, stderr } = kubetune(
      "promote",
      "ab",
      "candidate",
      "--now",
      "-n",
      namespace,
    );

    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("Sent all traffic of ab to variant candidate (ab-v4)");
    await expect
      .poll(async () => (await table("ab"))?.variants.map((v) => v.weight), poll)
      .toEqual([0, 100]);
    expect((await version("ab-v4"))!.spec.stage).toBe("production");
    await expect
      .poll(async () => (await version("ab-v4"))?.status?.stageHistory?.at(-1)?.stage, poll)
      .toBe("production");
  });

  it("when kubetune names a route that does not exist, says so and exits 1", () => {
    const { code, stderr } = kubetune("status", "nope", "-n", namespace);

    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`InferenceRoute nope does not exist in namespace ${namespace}.`);
  });
});

const kubetune = (...args: string[]) => runKubetune(inject("kubeconfig"), ...args);
