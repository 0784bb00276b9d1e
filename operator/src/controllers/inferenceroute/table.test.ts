import { describe, expect, it } from "vitest";
import { makeRoute } from "../../../test/builders/serving.js";
import type { Backend } from "./backends.js";
import { renderTable, tableIn, withGeneration } from "./table.js";

const up = (role: string, modelVersion: string, version: string): Backend => ({
  role,
  modelVersion,
  version,
  up: true,
  reason: "BackendsReady",
  message: "",
  endpoint: `http://${modelVersion}-serving.ml.svc:8080`,
  readyReplicas: 1,
});

describe("renderTable", () => {
  it("when the route has stickiness, overrides, a mirror and a cascade, carries them all", () => {
    const route = makeRoute("arxiv", "ml", {
      stickiness: { header: "x-user-id" },
      overrides: { header: "x-force", values: [{ value: "beta", variant: "candidate" }] },
      mirror: { variant: "candidate" },
      cascade: { escalateTo: "llm-v1", confidenceThreshold: "0.6", maxEscalationRate: "0.2" },
    });
    const backends = {
      variants: [up("stable", "arxiv-v3", "v3"), up("candidate", "arxiv-v4", "v4")],
      cascade: up("cascade", "llm-v1", "v1-llm"),
    };

    const table = renderTable({
      route,
      backends,
      weights: [
        { name: "stable", weight: 90 },
        { name: "candidate", weight: 10 },
      ],
    });

    expect(table).toMatchObject({
      stickiness: { header: "x-user-id" },
      overrides: { header: "x-force", values: [{ value: "beta", variant: "candidate" }] },
      mirror: { variant: "candidate", percent: 100 },
      cascade: {
        escalateTo: {
          modelVersion: "llm-v1",
          version: "v1-llm",
          endpoints: ["http://llm-v1-serving.ml.svc:8080"],
        },
        confidenceThreshold: "0.6",
        maxEscalationRate: "0.2",
      },
    });
  });
});

describe("withGeneration", () => {
  const route = makeRoute("arxiv", "ml");
  const backends = {
    variants: [up("stable", "arxiv-v3", "v3"), up("candidate", "arxiv-v4", "v4")],
    cascade: undefined,
  };
  const render = (stable: number) =>
    renderTable({
      route,
      backends,
      weights: [
        { name: "stable", weight: stable },
        { name: "candidate", weight: 100 - stable },
      ],
    });

  it("when the content is unchanged, keeps the generation; when it changes, moves to the next", () => {
    const first = withGeneration(render(90), undefined, 0);
    const same = withGeneration(render(90), first, 1);
    const changed = withGeneration(render(80), first, 1);

    expect([first.generation, same.generation, changed.generation]).toEqual([1, 1, 2]);
  });

  it("when the ConfigMap was lost, continues after the generation recorded in status", () => {
    expect(withGeneration(render(90), undefined, 7).generation).toBe(8);
  });

  it("when the ConfigMap holds no JSON, reads no table", () => {
    expect(tableIn({ "routing-table.json": "{oops" })).toBeUndefined();
  });
});
