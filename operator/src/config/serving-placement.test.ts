import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { servingPlacementFromEnv } from "./serving-placement.js";

describe("servingPlacementFromEnv", () => {
  it("when nothing is set, places serving pods anywhere", () => {
    expect(servingPlacementFromEnv({})).toEqual({});
  });

  it("when a selector and tolerations are set, parses them as kubectl label and taint write them", () => {
    const placement = servingPlacementFromEnv({
      KUBETUNE_SERVING_NODE_SELECTOR: "kubetune.io/real-node=true, pool=cpu",
      KUBETUNE_SERVING_TOLERATIONS: "kubetune.io/real-node:NoSchedule,dedicated=inference,spot",
    });

    expect(placement).toEqual({
      nodeSelector: { "kubetune.io/real-node": "true", pool: "cpu" },
      tolerations: [
        { key: "kubetune.io/real-node", operator: "Exists", effect: "NoSchedule" },
        { key: "dedicated", operator: "Equal", value: "inference" },
        { key: "spot", operator: "Exists" },
      ],
    });
  });

  it.each([
    ["KUBETUNE_SERVING_NODE_SELECTOR", "pool"],
    ["KUBETUNE_SERVING_NODE_SELECTOR", "pool=a=b"],
    ["KUBETUNE_SERVING_NODE_SELECTOR", "-pool=cpu"],
    ["KUBETUNE_SERVING_TOLERATIONS", "gpu:NoRun"],
    ["KUBETUNE_SERVING_TOLERATIONS", "gpu:NoSchedule:extra"],
    ["KUBETUNE_SERVING_TOLERATIONS", "a=b=c"],
  ])("when %s is %j, refuses it and names the variable", (name, value) => {
    expect(() => servingPlacementFromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => servingPlacementFromEnv({ [name]: value })).toThrow(name);
  });
});
