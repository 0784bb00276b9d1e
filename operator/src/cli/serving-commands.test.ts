import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { FakeClient } from "../../test/fake-client.js";
import { makeModelVersion, makeRoute, readyStatus } from "../../test/builders/serving.js";
import { Kinds } from "../runtime/kinds.js";
import type { CliIo } from "./command.js";
import { runCli } from "./router.js";
import { servingCommands } from "./serving-commands.js";

const time = new Date("2026-11-22T03:30:00.000Z");

function cli(client: FakeClient) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: () => "",
  };
  const commands = servingCommands((namespace) => ({
    client,
    namespace: namespace ?? "ml",
    user: "alice",
    now: () => time,
  }));
  return async (...argv: string[]) => {
    out.length = 0;
    err.length = 0;
    const code = await runCli(argv, commands, io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
}

function served(name: string, stage: ModelVersion["spec"]["stage"] = "staging"): ModelVersion {
  const mv = makeModelVersion(name, "ml", {
    stage,
    metrics: { f1_micro: "0.91" },
    source: {
      fineTuneJob: "ftj-a",
      baseModel: "distilbert-base",
      gpuType: "Tesla-T4",
      gpuSeconds: 1200,
    },
  });
  mv.status = readyStatus(name, "ml");
  return mv;
}

function routed(change: Partial<InferenceRoute["spec"]> = {}): InferenceRoute {
  const route = makeRoute("arxiv", "ml", change);
  route.status = {
    url: "http://arxiv.ml.svc:8080",
    tableGeneration: 2,
    variants: [
      { name: "stable", modelVersion: "arxiv-v3", desiredWeight: 90, weight: 90, readyReplicas: 1 },
      {
        name: "candidate",
        modelVersion: "arxiv-v4",
        desiredWeight: 10,
        weight: 10,
        readyReplicas: 2,
      },
    ],
    conditions: [
      {
        type: "Ready",
        status: "True",
        reason: "TableApplied",
        message: "the route serves traffic with the weights asked for",
        lastTransitionTime: "2026-11-22T03:00:00Z",
      },
    ],
  };
  return route;
}

const storedRoute = (client: FakeClient) =>
  client.get<InferenceRoute>(Kinds.InferenceRoute, { namespace: "ml", name: "arxiv" });
const version = (client: FakeClient, name: string) =>
  client.get<ModelVersion>(Kinds.ModelVersion, { namespace: "ml", name });

describe("kubetune status", () => {
  it("when the route exists, prints its variants with desired and applied weights and its conditions", async () => {
    const run = cli(new FakeClient().seed(routed()));

    const { code, out } = await run("status", "arxiv");

    expect(code).toBe(0);
    expect(out).toContain("InferenceRoute arxiv (namespace ml), model arxiv-classifier");
    expect(out).toMatch(/stable\s+arxiv-v3\s+90%\s+90%\s+1/);
    expect(out).toMatch(/candidate\s+arxiv-v4\s+10%\s+10%\s+2/);
    expect(out).toMatch(/Ready\s+True\s+TableApplied/);
  });

  it("when the route does not exist, says so and exits 1", async () => {
    const run = cli(new FakeClient());

    const { code, err } = await run("status", "nope", "-n", "prod");

    expect(code).toBe(1);
    expect(err).toBe("InferenceRoute nope does not exist in namespace prod.");
  });

  it("when the route is missing from the command line, shows the usage and exits 2", async () => {
    const { code, err } = await cli(new FakeClient())("status");

    expect(code).toBe(2);
    expect(err).toContain("Usage: kubetune status <route>");
  });
});

describe("kubetune versions", () => {
  it("when the model has versions, lists stages, lineage, metrics and history", async () => {
    const v3 = served("arxiv-v3", "production");
    v3.status = {
      ...v3.status,
      stageHistory: [{ stage: "production", time: "2026-11-01T00:00:00Z", by: "bob" }],
    };
    const run = cli(new FakeClient().seed(v3).seed(served("arxiv-v4")));

    const { code, out } = await run("versions", "arxiv-classifier");

    expect(code).toBe(0);
    expect(out).toContain("Model arxiv-classifier: 2 versions");
    expect(out).toMatch(/arxiv-v3\s+v3\s+production\s+encoder\s+True \(ReplicasReady\)/);
    expect(out).toContain(
      "lineage: FineTuneJob ftj-a, base distilbert-base, on Tesla-T4, 1200 GPU-seconds",
    );
    expect(out).toContain("metrics: f1_micro=0.91");
    expect(out).toContain("2026-11-01T00:00:00Z  → production  by bob");
  });

  it("when the model has no versions, says so and exits 1", async () => {
    const { code, err } = await cli(new FakeClient())("versions", "ghost");

    expect(code).toBe(1);
    expect(err).toBe("Model ghost has no ModelVersions in namespace ml.");
  });
});

describe("kubetune promote", () => {
  it("when --now, sends the variant all traffic and makes its version production, recording who", async () => {
    const client = new FakeClient()
      .seed(routed())
      .seed(served("arxiv-v3", "production"))
      .seed(served("arxiv-v4"));

    const { code, out } = await cli(client)("promote", "arxiv", "arxiv-v4", "--now");

    expect(code).toBe(0);
    expect(out).toContain("Sent all traffic of arxiv to variant candidate (arxiv-v4)");
    const after = await storedRoute(client);
    expect(after?.spec.variants.map((v) => [v.name, v.weight])).toEqual([
      ["stable", 0],
      ["candidate", 100],
    ]);
    const v4 = await version(client, "arxiv-v4");
    expect(v4?.spec.stage).toBe("production");
    expect(JSON.parse(v4?.metadata.annotations?.["kubetune.io/stage-change"] ?? "{}")).toEqual({
      stage: "production",
      time: time.toISOString(),
      by: "alice",
    });
  });

  it("when the route has a rollout, starts it with the variant as candidate", async () => {
    const rollout = { candidate: "stable", steps: [{ weight: 10, pause: "1m" }, { weight: 100 }] };
    const client = new FakeClient()
      .seed(routed({ rollout }))
      .seed(served("arxiv-v3"))
      .seed(served("arxiv-v4"));

    const { code, out } = await cli(client)("promote", "arxiv", "candidate");

    expect(code).toBe(0);
    expect(out).toContain("Started rolling out variant candidate (arxiv-v4) on arxiv: 10% → 100%");
    const after = await storedRoute(client);
    expect(after?.spec.rollout?.candidate).toBe("candidate");
    expect(after?.spec.rollout?.steps).toHaveLength(2);
    expect(after?.metadata.annotations?.["kubetune.io/rollout-restart"]).toBe(time.toISOString());
  });

  it("when the route has no rollout and --now is not given, explains the choice and exits 1", async () => {
    const client = new FakeClient().seed(routed()).seed(served("arxiv-v4"));

    const { code, err } = await cli(client)("promote", "arxiv", "candidate");

    expect(code).toBe(1);
    expect(err).toContain("has no spec.rollout to walk; add its steps, or use --now");
  });

  it("when the target is neither a variant nor a version of the route, lists what is there", async () => {
    const { code, err } = await cli(new FakeClient().seed(routed()))(
      "promote",
      "arxiv",
      "v9",
      "--now",
    );

    expect(code).toBe(1);
    expect(err).toBe(
      "InferenceRoute arxiv has no variant or ModelVersion named v9; its variants are stable (arxiv-v3), candidate (arxiv-v4).",
    );
  });

  it("when the version is archived, refuses", async () => {
    const client = new FakeClient().seed(routed()).seed(served("arxiv-v4", "archived"));

    const { code, err } = await cli(client)("promote", "arxiv", "candidate", "--now");

    expect(code).toBe(1);
    expect(err).toContain("ModelVersion arxiv-v4 is archived");
  });
});

describe("kubetune rollback", () => {
  it("when a rollout is running, aborts it", async () => {
    const route = routed({
      rollout: { candidate: "candidate", steps: [{ weight: 10 }, { weight: 100 }] },
    });
    route.status?.conditions?.push({
      type: "Progressing",
      status: "True",
      reason: "StepPaused",
      message: "step 1 of 2",
      lastTransitionTime: "2026-11-22T03:00:00Z",
    });
    const client = new FakeClient().seed(route).seed(served("arxiv-v3")).seed(served("arxiv-v4"));

    const { code, out } = await cli(client)("rollback", "arxiv");

    expect(code).toBe(0);
    expect(out).toContain("Aborted the rollout of candidate on arxiv");
    const after = await storedRoute(client);
    expect(after?.metadata.annotations?.["kubetune.io/rollout-abort"]).toBe("true");
  });

  it("when the last promotion is done, goes back to the version that was production before", async () => {
    const v3 = served("arxiv-v3", "staging");
    v3.status = {
      ...v3.status,
      stageHistory: [
        { stage: "production", time: "2026-11-01T00:00:00Z" },
        { stage: "staging", time: "2026-11-20T00:00:00Z" },
      ],
    };
    const route = routed();
    route.spec.variants = [
      { name: "stable", modelVersion: "arxiv-v3", weight: 0 },
      { name: "candidate", modelVersion: "arxiv-v4", weight: 100 },
    ];
    const client = new FakeClient().seed(route).seed(v3).seed(served("arxiv-v4", "production"));

    const { code, out } = await cli(client)("rollback", "arxiv");

    expect(code).toBe(0);
    expect(out).toBe(
      "Sent all traffic of arxiv back to variant stable (arxiv-v3), which is production again.",
    );
    const after = await storedRoute(client);
    expect(after?.spec.variants.map((v) => v.weight)).toEqual([100, 0]);
    expect((await version(client, "arxiv-v3"))?.spec.stage).toBe("production");
  });

  it("when there is nothing to go back to, says so and exits 1", async () => {
    const client = new FakeClient()
      .seed(routed())
      .seed(served("arxiv-v3"))
      .seed(served("arxiv-v4"));

    const { code, err } = await cli(client)("rollback", "arxiv");

    expect(code).toBe(1);
    expect(err).toContain("has no rollout in progress");
  });
});
