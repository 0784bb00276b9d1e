import type { V1ConfigMap, V1Deployment, V1Secret } from "@kubernetes/client-node";
import type { InferenceRoute, ModelVersion, RoutingTable } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { FakeClient } from "../../../test/fake-client.js";
import { makeModelVersion, makeRoute, readyStatus } from "../../../test/builders/serving.js";
import type { ApiObject } from "../../runtime/client.js";
import { Kinds } from "../../runtime/kinds.js";
import type { InferenceRouteDeps } from "./reconciler.js";
import { reconcileInferenceRoute } from "./reconciler.js";
import type { Applied } from "./verify.js";
import { AdminTokens } from "./admin-token.js";

const now = new Date("2026-11-22T03:00:00.000Z");
const key = (name: string) => ({ namespace: "ml", name });

/** Routers that take every delivered table and remember the token it came with, or none that answers. */
function fakeRouters(reachable = true) {
  const tokens: (string | undefined)[] = [];
  return {
    tokens,
    deliver: (_route: { name: string }, table: RoutingTable, token: string | undefined) => {
      tokens.push(token);
      return Promise.resolve<Applied>(
        reachable
          ? { generation: table.generation }
          : { error: "router pod arxiv-router-x did not answer /v1/routes (HTTP 503)" },
      );
    },
  };
}

function deps(client: FakeClient, change: Partial<InferenceRouteDeps> = {}): InferenceRouteDeps {
  return {
    client,
    events: client.recorder(),
    now: () => now,
    routerImage: "kubetune/router:test",
    placement: {},
    tokens: new AdminTokens(client),
    delivery: fakeRouters(),
    gateway: { installed: () => Promise.resolve(false) },
    analyzer: undefined,
    ...change,
  };
}

function version(name: string, ready = true): ModelVersion {
  const mv = makeModelVersion(name, "ml");
  mv.status = readyStatus(name, "ml", ready);
  return mv;
}

async function reconcile(client: FakeClient, change: Partial<InferenceRouteDeps> = {}) {
  const result = await reconcileInferenceRoute(key("arxiv"), deps(client, change));
  const route = await client.get<InferenceRoute>(Kinds.InferenceRoute, key("arxiv"));
  const cm = await client.get<V1ConfigMap>(Kinds.ConfigMap, key("arxiv-routing-table"));
  const text = cm?.data?.["routing-table.json"];
  return { result, route, table: text ? (JSON.parse(text) as RoutingTable) : undefined };
}

/** A route rolling its candidate out in one step to 100%, with both versions ready. */
function oneStepRollout(): FakeClient {
  const route = makeRoute("arxiv", "ml", {
    variants: [
      { name: "stable", modelVersion: "arxiv-v3", weight: 100 },
      { name: "candidate", modelVersion: "arxiv-v4", weight: 0 },
    ],
    rollout: { candidate: "candidate", steps: [{ weight: 100 }] },
  });
  return new FakeClient().seed(route).seed(version("arxiv-v3")).seed(version("arxiv-v4"));
}

const condition = (route: InferenceRoute | undefined, type: string) => {
  const c = route?.status?.conditions?.find((x) => x.type === type);
  return c && `${c.status}/${c.reason}`;
};

describe("reconcileInferenceRoute", () => {
  it("when both versions are ready, renders their table, runs the router and reports the weights once the router confirms", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));

    const { route, table, result } = await reconcile(client);

    expect(table).toMatchObject({
      generation: 1,
      route: "arxiv",
      model: "arxiv-classifier",
      variants: [
        {
          name: "stable",
          modelVersion: "arxiv-v3",
          version: "v3",
          weight: 90,
          endpoints: ["http://arxiv-v3-serving.ml.svc:8080"],
        },
        {
          name: "candidate",
          modelVersion: "arxiv-v4",
          version: "v4",
          weight: 10,
          endpoints: ["http://arxiv-v4-serving.ml.svc:8080"],
        },
      ],
    });
    const router = (await client.get<V1Deployment>(Kinds.Deployment, key("arxiv-router")))!;
    const pod = router.spec!.template.spec!;
    expect(pod.containers[0]!.image).toBe("kubetune/router:test");
    expect(pod.volumes![0]!.configMap!.name).toBe("arxiv-routing-table");
    expect(await client.get(Kinds.Service, key("arxiv"))).toBeDefined();
    expect(condition(route, "WeightsApplied")).toBe("True/TableApplied");
    expect(condition(route, "Ready")).toBe("True/TableApplied");
    const status = route!.status!;
    expect(status.tableGeneration).toBe(1);
    expect(status.variants).toEqual([
      {
        name: "stable",
        modelVersion: "arxiv-v3",
        desiredWeight: 90,
        weight: 90,
        readyReplicas: 1,
        endpoint: "http://arxiv-v3-serving.ml.svc:8080",
      },
      {
        name: "candidate",
        modelVersion: "arxiv-v4",
        desiredWeight: 10,
        weight: 10,
        readyReplicas: 1,
        endpoint: "http://arxiv-v4-serving.ml.svc:8080",
      },
    ]);
    expect(status.url).toBe("http://arxiv.ml.svc:8080");
    expect(result).toEqual({});
  });

  it("when nothing changed, keeps the table's generation", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));
    await reconcile(client);

    const { table } = await reconcile(client);

    expect(table?.generation).toBe(1);
  });

  it("when the router has not confirmed the table, says so and checks again soon", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));

    const { route, result } = await reconcile(client, { delivery: fakeRouters(false) });

    expect(condition(route, "WeightsApplied")).toBe("False/RouterUnreachable");
    expect(route?.status?.variants?.[0]?.weight).toBeUndefined();
    expect(result.requeueAfterMs).toBeGreaterThan(0);
  });

  it("when a route is reconciled, its admin token is made once, kept in a Secret it owns, read by the router pods and sent with every delivery, also after a restart", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));
    const routers = fakeRouters();

    await reconcile(client, { delivery: routers });
    await reconcile(client, { delivery: routers, tokens: new AdminTokens(client) });

    const secret = (await client.get<V1Secret>(Kinds.Secret, key("arxiv-router-admin")))!;
    const token = Buffer.from(secret.data!.token!, "base64").toString("utf8");
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(secret.metadata!.ownerReferences![0]).toMatchObject({ kind: "InferenceRoute" });
    expect(routers.tokens).toEqual([token, token]);
    const deployment = (await client.get<V1Deployment>(Kinds.Deployment, key("arxiv-router")))!;
    expect(deployment.spec!.template.spec!.containers[0]!.env).toEqual([
      {
        name: "KUBETUNE_ROUTER_ADMIN_TOKEN",
        valueFrom: { secretKeyRef: { name: "arxiv-router-admin", key: "token" } },
      },
    ]);
  });

  it("when the candidate is not ready, sends it nothing and names it in BackendsReady", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4", false));

    const { route, table } = await reconcile(client);

    expect(table?.variants.map((v) => [v.name, v.weight, v.endpoints.length])).toEqual([
      ["stable", 100, 1],
      ["candidate", 0, 0],
    ]);
    expect(condition(route, "BackendsReady")).toBe("False/BackendNotReady");
    expect(route?.status?.conditions?.find((c) => c.type === "BackendsReady")?.message).toContain(
      "variant candidate: ModelVersion arxiv-v4 is not ready",
    );
    expect(client.events).toContainEqual(
      expect.objectContaining({ type: "Warning", reason: "BackendNotReady" }),
    );
  });

  it("when the candidate's artifact failed its digest, sends it nothing and quotes why", async () => {
    const broken = version("arxiv-v4", false);
    broken.status!.conditions![0] = {
      ...broken.status!.conditions![0]!,
      status: "False",
      reason: "DigestMismatch",
      message: "fetch-artifact: the fetched bytes do not match the digest: sha256 00 != ab",
    };
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(broken);

    const { route, table } = await reconcile(client);

    expect(table?.variants.map((v) => v.weight)).toEqual([100, 0]);
    expect(route?.status?.conditions?.find((c) => c.type === "BackendsReady")?.message).toBe(
      "variant candidate: ModelVersion arxiv-v4: fetch-artifact: the fetched bytes do not match the digest: sha256 00 != ab; down variants get weight 0",
    );
  });

  it("when every variant goes down, the previous table stays in force", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml"))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));
    await reconcile(client);
    await client.delete(Kinds.ModelVersion, key("arxiv-v3"));
    await client.delete(Kinds.ModelVersion, key("arxiv-v4"));

    const { route, table } = await reconcile(client);

    expect(table?.generation).toBe(1);
    expect(table?.variants.map((v) => v.weight)).toEqual([90, 10]);
    expect(condition(route, "BackendsReady")).toBe("False/AllBackendsDown");
  });

  it("when no variant was ever up, writes no table and says so", async () => {
    const client = new FakeClient().seed(makeRoute("arxiv", "ml"));

    const { route, table } = await reconcile(client);

    expect(table).toBeUndefined();
    expect(condition(route, "WeightsApplied")).toBe("False/AllBackendsDown");
    expect(await client.get(Kinds.Deployment, key("arxiv-router"))).toBeDefined();
  });

  it("when spec.gateway is set without the Gateway API installed, says so in GatewayRouted", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml", { gateway: { name: "public" } }))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));

    const { route } = await reconcile(client);

    expect(condition(route, "GatewayRouted")).toBe("False/GatewayAPIMissing");
    expect(condition(route, "Ready")).toBe("True/TableApplied");
  });

  it("when spec.gateway is set and the Gateway API is installed, applies a weighted HTTPRoute", async () => {
    const client = new FakeClient()
      .seed(makeRoute("arxiv", "ml", { gateway: { name: "public", namespace: "gateways" } }))
      .seed(version("arxiv-v3"))
      .seed(version("arxiv-v4"));

    const { route } = await reconcile(client, {
      gateway: { installed: () => Promise.resolve(true) },
    });

    const httpRoute = await client.get<ApiObject & { spec: unknown }>(
      Kinds.HTTPRoute,
      key("arxiv"),
    );
    expect(httpRoute?.spec).toEqual({
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: "public",
          namespace: "gateways",
        },
      ],
      rules: [
        {
          backendRefs: [
            { name: "arxiv-v3-serving", port: 8080, weight: 90 },
            { name: "arxiv-v4-serving", port: 8080, weight: 10 },
          ],
        },
      ],
    });
    expect(condition(route, "GatewayRouted")).toBe("True/HTTPRouteApplied");
  });

  it("when a rollout completes, promotes the candidate's ModelVersion to production", async () => {
    const client = oneStepRollout();

    const { route, table } = await reconcile(client);

    expect(route?.status?.rollout).toMatchObject({ step: 0 });
    expect(table?.variants.map((v) => v.weight)).toEqual([0, 100]);
    expect(table?.rollout).toEqual({ candidate: "candidate", step: 0, weight: 100 });
    const promoted = await client.get<ModelVersion>(Kinds.ModelVersion, key("arxiv-v4"));
    expect(promoted?.spec.stage).toBe("production");
    expect(condition(route, "Progressing")).toBe("False/Completed");
  });

  it("when a rollout completed long ago and its candidate was demoted since, leaves the demotion alone", async () => {
    const client = oneStepRollout();
    await reconcile(client);
    await client.patch(Kinds.ModelVersion, key("arxiv-v4"), { spec: { stage: "staging" } });

    const { route } = await reconcile(client);

    expect(condition(route, "Progressing")).toBe("False/Completed");
    const demoted = await client.get<ModelVersion>(Kinds.ModelVersion, key("arxiv-v4"));
    expect(demoted?.spec.stage).toBe("staging");
  });

  it("when a rollout has thresholds but no Prometheus is configured, holds the first step and says why", async () => {
    const base = makeRoute("arxiv", "ml", {
      variants: [
        { name: "stable", modelVersion: "arxiv-v3", weight: 100 },
        { name: "candidate", modelVersion: "arxiv-v4", weight: 0 },
      ],
      rollout: {
        candidate: "candidate",
        steps: [{ weight: 10 }, { weight: 100 }],
        analysis: { maxErrorRate: "0.01" },
      },
    });
    const client = new FakeClient().seed(base).seed(version("arxiv-v3")).seed(version("arxiv-v4"));

    const { route, table } = await reconcile(client);

    expect(table?.variants.map((v) => v.weight)).toEqual([90, 10]);
    expect(condition(route, "Progressing")).toBe("False/AnalysisUnavailable");
  });
});
