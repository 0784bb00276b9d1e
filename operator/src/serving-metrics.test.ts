import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { makeModelVersion, makeRoute, readyStatus } from "../test/builders/serving.js";
import { registerServingMetrics } from "./serving-metrics.js";

describe("serving metrics", () => {
  it("when scraped, counts versions by model, stage and readiness and reports confirmed weights", async () => {
    const ready = makeModelVersion("arxiv-v3", "ml", { stage: "production" });
    ready.status = readyStatus("arxiv-v3", "ml");
    const idle = makeModelVersion("arxiv-v4", "ml");
    const route = makeRoute("arxiv", "ml");
    route.status = { variants: [{ name: "stable", weight: 90 }, { name: "candidate" }] };
    const registry = new Registry();
    registerServingMetrics(registry, { versions: () => [ready, idle], routes: () => [route] });

    const text = await registry.metrics();

    expect(text).toContain(
      'kubetune_operator_modelversions{model="arxiv-classifier",stage="production",ready="True"} 1',
    );
    expect(text).toContain(
      'kubetune_operator_modelversions{model="arxiv-classifier",stage="staging",ready="Unknown"} 1',
    );
    expect(text).toContain('kubetune_operator_inferenceroutes{reason="Unknown"} 1');
    expect(text).toContain(
      'kubetune_operator_route_variant_weight{route="arxiv",variant="stable"} 90',
    );
    expect(text).not.toContain('variant="candidate"');
  });
});
