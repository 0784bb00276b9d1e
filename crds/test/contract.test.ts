import { describe, expect, it } from "vitest";
import { formatErrors, validateResource } from "../src/index.js";
import type { FineTuneJob, ModelVersion } from "../src/index.js";
import { contract, contractKinds, contractWith } from "./manifests.js";

describe("the contract manifests", () => {
  it.each(contractKinds)("when the %s is validated as written, is accepted", (kind) => {
    const result = validateResource(contract(kind));

    expect(formatErrors(result.errors)).toEqual([]);
  });

  it("when optional FineTuneJob fields are omitted, fills the documented defaults", () => {
    const manifest = contractWith("FineTuneJob", (m) => {
      delete m.spec.task;
      delete m.spec.resources;
      delete m.spec.lora.r;
      delete m.spec.hyperparameters.learningRate;
    });

    const { value, errors } = validateResource(manifest);
    const spec = (value as FineTuneJob).spec;

    expect(errors).toEqual([]);
    expect(spec.task).toBe("causal-lm");
    expect(spec.lora?.r).toBe(16);
    expect(spec.hyperparameters?.learningRate).toBe("2e-4");
    expect(spec.backoffLimit).toBe(2);
    expect(spec.resources).toBeUndefined();
  });

  it.each([
    [
      "FineTuneJob",
      {
        model: "m",
        baseModel: { name: "b", uri: "s3://b/", parameters: "1B" },
        dataset: { uri: "s3://d/x.jsonl", format: "alpaca" },
        method: "lora",
        output: { uri: "s3://o/", format: "gguf" },
      },
    ],
    [
      "ModelVersion",
      {
        model: "m",
        version: "v1",
        runtime: "encoder",
        format: "onnx",
        artifact: { uri: "s3://m/v1/" },
      },
    ],
    [
      "InferenceRoute",
      { model: "m", variants: [{ name: "only", modelVersion: "m-v1", weight: 100 }] },
    ],
  ] as const)(
    "when a %s has only its required fields, the defaults it gets keep every rule",
    (kind, spec) => {
      const manifest = {
        apiVersion: "kubetune.io/v1alpha1",
        kind,
        metadata: { name: "minimal" },
        spec,
      };

      expect(formatErrors(validateResource(manifest).errors)).toEqual([]);
    },
  );

  it("when the stage is omitted, registers the version as a candidate", () => {
    const manifest = contractWith("ModelVersion", (m) => delete m.spec.stage);

    const { value } = validateResource(manifest);

    expect((value as ModelVersion).spec.stage).toBe("candidate");
  });

  it("when a manifest is validated, leaves the caller's object unchanged", () => {
    const manifest = contractWith("FineTuneJob", (m) => delete m.spec.task);

    validateResource(manifest);

    expect(manifest.spec.task).toBeUndefined();
  });
});
