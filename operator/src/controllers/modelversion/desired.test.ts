import { describe, expect, it } from "vitest";
import { makeModelVersion } from "../../../test/builders/serving.js";
import { DEFAULT_RESOURCES, desiredServing } from "./desired.js";

const images = { encoder: "kubetune/encoder:1.2.3", llm: "kubetune/llm:1.2.3" };

describe("desiredServing", () => {
  it("when an encoder version is served, runs the encoder image after fetching its folder", () => {
    const mv = makeModelVersion("arxiv-v4", "ml", {
      serving: { replicas: 2, threads: 2, maxBatchSize: 16 },
      chunking: { windowTokens: 256, overlap: "0.5", aggregation: "mean" },
    });

    const { deployment, service } = desiredServing(mv, images);

    const spec = deployment.spec!;
    expect(deployment.metadata!.name).toBe("arxiv-v4-serving");
    expect(deployment.metadata!.ownerReferences![0]).toMatchObject({
      kind: "ModelVersion",
      name: "arxiv-v4",
      uid: "uid-arxiv-v4",
      controller: true,
    });
    expect(spec.replicas).toBe(2);
    const pod = spec.template.spec!;
    expect(pod.initContainers!.map((c) => [c.name, c.image, c.command])).toEqual([
      [
        "fetch-artifact",
        "kubetune/encoder:1.2.3",
        [
          "node",
          "fetch-artifact.js",
          "--uri",
          "s3://models/arxiv-v4/",
          "--sha256",
          "ab".repeat(32),
          "--dest",
          "/models/model",
        ],
      ],
    ]);
    const server = pod.containers[0]!;
    expect(server.image).toBe("kubetune/encoder:1.2.3");
    expect(server.args).toEqual([
      "--model",
      "/models/model",
      "--name",
      "arxiv-classifier",
      "--host",
      "0.0.0.0",
      "--port",
      "8080",
      "--threads",
      "2",
      "--model-version",
      "v4",
      "--max-batch-size",
      "16",
      "--window-tokens",
      "256",
      "--overlap",
      "0.5",
      "--aggregation",
      "mean",
      "--require-model",
    ]);
    expect(server.readinessProbe!.httpGet!.path).toBe("/v2/health/ready");
    expect(server.livenessProbe!.httpGet!.path).toBe("/v2/health/live");
    expect(server.resources).toEqual(DEFAULT_RESOURCES.encoder);
    expect(spec.template.metadata!.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8080",
    });
    expect(service.spec!.selector).toEqual(spec.selector.matchLabels);
    expect(service.metadata!.name).toBe("arxiv-v4-serving");
  });

  it("when an LLM version has an adapter, fetches both and serves the adapter for classify", () => {
    const mv = makeModelVersion("llm-v1", "ml", {
      runtime: "llm",
      format: "gguf",
      artifact: { uri: "s3://models/base.gguf" },
      adapter: { uri: "s3://models/adapter.gguf", scale: "0.5" },
      problemType: "multi-label",
      serving: { resources: { requests: { cpu: "2" } } },
    });

    const { deployment } = desiredServing(mv, images);

    const pod = deployment.spec!.template.spec!;
    expect(pod.initContainers!.map((c) => c.command)).toEqual([
      [
        "node",
        "fetch-artifact.js",
        "--uri",
        "s3://models/base.gguf",
        "--dest",
        "/models/model.gguf",
      ],
      [
        "node",
        "fetch-artifact.js",
        "--uri",
        "s3://models/adapter.gguf",
        "--dest",
        "/models/adapter.gguf",
      ],
    ]);
    const server = pod.containers[0]!;
    expect(server.image).toBe("kubetune/llm:1.2.3");
    expect(server.args).toEqual(
      expect.arrayContaining([
        "--adapter",
        "adapter=/models/adapter.gguf@0.5",
        "--labels",
        "cs.AI,cs.CL",
        "--multi-label",
      ]),
    );
    expect(server.resources).toEqual({ requests: { cpu: "2" } });
    expect(deployment.spec!.replicas).toBe(1);
  });

  it("when the operator has a serving placement, its pods carry the node selector and tolerations", () => {
    const placement = {
      nodeSelector: { "kubetune.io/pool": "cpu" },
      tolerations: [{ key: "kubetune.io/pool", operator: "Exists", effect: "NoSchedule" }],
    };

    const pod = desiredServing(makeModelVersion("arxiv-v4", "ml"), images, placement).deployment
      .spec!.template.spec!;

    expect(pod.nodeSelector).toEqual(placement.nodeSelector);
    expect(pod.tolerations).toEqual(placement.tolerations);
    expect(pod.tolerations).not.toBe(placement.tolerations);
  });

  it("when called twice with the same version, returns the same objects", () => {
    const mv = makeModelVersion("arxiv-v4", "ml");

    expect(desiredServing(mv, images)).toEqual(desiredServing(mv, images));
  });
});
