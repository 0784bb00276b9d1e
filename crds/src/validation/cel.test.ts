import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../common/define-crd.js";
import { checkRules } from "./cel.js";
import { formatFieldError } from "./field-error.js";

const immutable = [{ rule: "self == oldSelf", message: "is immutable" }];

const schema: JsonSchema = {
  type: "object",
  "x-kubernetes-validations": [
    { rule: "self.items.map(i, i.size).sum() <= 10", message: "sizes add up to at most 10" },
  ],
  properties: {
    items: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: {
        type: "object",
        properties: {
          name: { type: "string" },
          size: { type: "integer" },
          kind: { type: "string", "x-kubernetes-validations": immutable },
        },
      },
    },
  },
};

const check = (value: unknown, old?: unknown) =>
  checkRules(value, old, schema, "spec").map(formatFieldError);

describe("checkRules", () => {
  it("when integers are summed with the Kubernetes list library's sum(), compares them as CEL ints", () => {
    expect(
      check({
        items: [
          { name: "a", size: 4 },
          { name: "b", size: 6 },
        ],
      }),
    ).toEqual([]);
    expect(
      check({
        items: [
          { name: "a", size: 4 },
          { name: "b", size: 7 },
        ],
      }),
    ).toEqual(['spec: Invalid value: "object": sizes add up to at most 10']);
  });

  it("when there is no old object, skips transition rules", () => {
    expect(check({ items: [{ name: "a", size: 1, kind: "x" }] })).toEqual([]);
  });

  it("when a list-map item is updated, compares it with the old item of the same key, wherever it sits", () => {
    const old = {
      items: [
        { name: "b", size: 1, kind: "y" },
        { name: "a", size: 1, kind: "x" },
      ],
    };

    expect(
      check(
        {
          items: [
            { name: "a", size: 1, kind: "x" },
            { name: "b", size: 1, kind: "y" },
          ],
        },
        old,
      ),
    ).toEqual([]);
    expect(check({ items: [{ name: "a", size: 1, kind: "z" }] }, old)).toEqual([
      'spec.items[0].kind: Invalid value: "string": is immutable',
    ]);
  });

  it("when an item is new in an update, skips its transition rules", () => {
    const old = { items: [{ name: "a", size: 1, kind: "x" }] };

    expect(
      check(
        {
          items: [
            { name: "a", size: 1, kind: "x" },
            { name: "c", size: 1, kind: "w" },
          ],
        },
        old,
      ),
    ).toEqual([]);
  });

  it("when a rule cannot be evaluated on the value, reports the rule instead of throwing", () => {
    const broken: JsonSchema = {
      type: "object",
      "x-kubernetes-validations": [{ rule: "self.missing > 1", message: "never shown" }],
    };

    const errors = checkRules({}, undefined, broken, "spec").map(formatFieldError);

    expect(errors).toEqual([
      expect.stringContaining('rule "self.missing > 1" could not be evaluated'),
    ]);
  });
});
