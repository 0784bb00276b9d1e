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
