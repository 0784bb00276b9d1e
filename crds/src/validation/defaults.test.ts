import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../common/define-crd.js";
import { applyDefaults } from "./defaults.js";

const schema: JsonSchema = {
  type: "object",
  properties: {
    replicas: { type: "integer", default: 1 },
    rollout: {
      type: "object",
      properties: { interval: { type: "string", default: "30s" } },
    },
    steps: {
      type: "array",
      items: { type: "object", properties: { pause: { type: "string", default: "1m" } } },
    },
  },
};

describe("applyDefaults", () => {
  it("when a field is absent, fills its default", () => {
    expect(applyDefaults({}, schema)).toEqual({ replicas: 1 });
  });

  it("when a field is present, keeps the given value, zero included", () => {
    expect(applyDefaults({ replicas: 0 }, schema)).toEqual({ replicas: 0 });
  });

  it("when a parent object is present, defaults its children; when absent, does not create it", () => {
    expect(applyDefaults({ rollout: {} }, schema)).toEqual({
      replicas: 1,
      rollout: { interval: "30s" },
    });
    expect(applyDefaults({}, schema)).not.toHaveProperty("rollout");
  });

  it("when a list holds objects, defaults each item", () => {
    expect(applyDefaults({ steps: [{}, { pause: "5m" }] }, schema)).toMatchObject({
      steps: [{ pause: "1m" }, { pause: "5m" }],
    });
  });

  it("when defaults are applied, does not change the input", () => {
    const input = { steps: [{}] };

    applyDefaults(input, schema);

    expect(input).toEqual({ steps: [{}] });
  });
});
