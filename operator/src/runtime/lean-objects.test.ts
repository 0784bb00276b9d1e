import type { V1Job } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { leanObject } from "./lean-objects.js";

describe("leanObject", () => {
  it("when an object carries managedFields and kubectl's last-applied copy, drops only those", () => {
    const job: V1Job = {
      metadata: {
        name: "ftj-a-trainer",
        annotations: {
          "kubetune.io/desired-hash": "abc",
          "kubectl.kubernetes.io/last-applied-configuration": "{...}",
        },
        managedFields: [{ manager: "kubetune-operator", operation: "Apply" }],
      },
      spec: { template: { spec: { containers: [] } } },
    };

    const lean = leanObject(job);

    expect(lean.metadata).toEqual({
      name: "ftj-a-trainer",
      annotations: { "kubetune.io/desired-hash": "abc" },
    });
    expect(lean.spec).toEqual(job.spec);
  });

  it.each([undefined, {}, { metadata: { name: "x" } }])(
    "when given %j, returns it unchanged",
    (object) => {
      expect(leanObject(structuredClone(object))).toEqual(object);
    },
  );
});
