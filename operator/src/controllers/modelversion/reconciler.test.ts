import type { V1Deployment } from "@kubernetes/client-node";
import type { ModelVersion } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { FakeClient } from "../../../test/fake-client.js";
import { makeModelVersion, makeRoute } from "../../../test/builders/serving.js";
import type { ApiObject } from "../../runtime/client.js";
import { Kinds } from "../../runtime/kinds.js";
import { reconcileModelVersion } from "./reconciler.js";

const now = new Date("2026-11-22T03:00:00.000Z");

function deps(client: FakeClient) {
  return {
    client,
    events: client.recorder(),
    now: () => now,
    images: { encoder: "kubetune/encoder:test", llm: "kubetune/llm:test" },
    placement: {},
  };
}

const key = (name: string) => ({ namespace: "ml", name });

async function reconcile(client: FakeClient, name: string) {
  await reconcileModelVersion(key(name), deps(client));
  return client.get<ModelVersion>(Kinds.ModelVersion, key(name));
}

describe("reconcileModelVersion", () => {
  it("when a route references the version, applies its Deployment and Service and reports the endpoint", async () => {
    const client = new FakeClient()
      .seed(makeModelVersion("arxiv-v3", "ml"))
      .seed(makeRoute("arxiv", "ml"));

    const mv = await reconcile(client, "arxiv-v3");

    const deployment = await client.get<V1Deployment>(Kinds.Deployment, key("arxiv-v3-serving"));
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe("kubetune/encoder:test");
    expect(await client.get(Kinds.Service, key("arxiv-v3-serving"))).toBeDefined();
    expect(mv?.status?.endpoint).toBe("http://arxiv-v3-serving.ml.svc:8080");
    expect(mv?.status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ReplicasNotReady",
      message: "0 of 1 replicas ready (used by arxiv)",
    });
  });

  it.each([
    ["ready but not yet for minReadySeconds", "False", { readyReplicas: 1 }, 0],
    [
      "available (ready for minReadySeconds)",
      "True",
      { readyReplicas: 1, availableReplicas: 1 },
      1,
    ],
  ])("when its pods are %s, reports Ready=%s with the count", async (_, ready, status, count) => {
    const client = new FakeClient()
      .seed(makeModelVersion("arxiv-v3", "ml"))
      .seed(makeRoute("arxiv", "ml"));
    await reconcile(client, "arxiv-v3");
    client.update(Kinds.Deployment, key("arxiv-v3-serving"), (d) => {
      (d as V1Deployment).status = status;
    });

    const mv = await reconcile(client, "arxiv-v3");

    expect(mv?.status?.readyReplicas).toBe(count);
    expect(mv?.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe(ready);
  });

  it("when the fetch finds a digest mismatch, says ArtifactVerified=False and warns", async () => {
    const client = new FakeClient()
      .seed(makeModelVersion("arxiv-v3", "ml"))
      .seed(makeRoute("arxiv", "ml"))
      .seed({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "arxiv-v3-serving-abc",
          namespace: "ml",
          labels: {
            "kubetune.io/modelversion": "arxiv-v3",
            "app.kubernetes.io/component": "serving",
          },
        },
        status: {
          initContainerStatuses: [
            {
              name: "fetch-artifact",
              state: { terminated: { exitCode: 4, message: "sha256 00 != ab" } },
            },
          ],
        },
      } as ApiObject);

    const mv = await reconcile(client, "arxiv-v3");

    const conditions = mv!.status!.conditions!;
    expect(conditions.find((c) => c.type === "ArtifactVerified")).toMatchObject({
      status: "False",
      reason: "DigestMismatch",
    });
    expect(conditions.find((c) => c.type === "Ready")?.reason).toBe("DigestMismatch");
    expect(client.events).toContainEqual(
      expect.objectContaining({ type: "Warning", reason: "DigestMismatch" }),
    );
  });

  it("when no route references the version any more, removes its Deployment and Service", async () => {
    const client = new FakeClient()
      .seed(makeModelVersion("arxiv-v3", "ml"))
      .seed(makeRoute("arxiv", "ml"));
    await reconcile(client, "arxiv-v3");
    await client.delete(Kinds.InferenceRoute, key("arxiv"));

    const mv = await reconcile(client, "arxiv-v3");

    expect(await client.get(Kinds.Deployment, key("arxiv-v3-serving"))).toBeUndefined();
    expect(await client.get(Kinds.Service, key("arxiv-v3-serving"))).toBeUndefined();
    expect(mv?.status?.endpoint).toBeUndefined();
    expect(mv?.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe("NotReferenced");
  });

  it("when the only reference is a route's cascade, serves the version", async () => {
    const client = new FakeClient()
      .seed(makeModelVersion("llm-v1", "ml", { runtime: "llm", format: "gguf" }))
      .seed(
        makeRoute("arxiv", "ml", {
          cascade: { escalateTo: "llm-v1", confidenceThreshold: "0.6" },
        }),
      );

    await reconcile(client, "llm-v1");

    const deployment = await client.get<V1Deployment>(Kinds.Deployment, key("llm-v1-serving"));
    expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe("kubetune/llm:test");
  });

  it("when another production version of the model was promoted later, moves itself to staging", async () => {
    const promoted = (name: string, time: string) => {
      const mv = makeModelVersion(name, "ml", { stage: "production" });
      mv.metadata.annotations = {
        "kubetune.io/stage-change": JSON.stringify({ stage: "production", time, by: "bob" }),
      };
      return mv;
    };
    const client = new FakeClient()
      .seed(promoted("arxiv-v3", "2026-11-01T00:00:00Z"))
      .seed(promoted("arxiv-v4", "2026-11-20T00:00:00Z"));

    const v3 = await reconcile(client, "arxiv-v3");
    const v4 = await reconcile(client, "arxiv-v4");

    expect(v3?.spec.stage).toBe("staging");
    expect(v4?.spec.stage).toBe("production");
    expect(client.events).toContainEqual(expect.objectContaining({ reason: "Demoted" }));
  });

  it("when the version is deleted, does nothing", async () => {
    const client = new FakeClient();

    await expect(reconcileModelVersion(key("gone"), deps(client))).resolves.toEqual({});
  });
});
