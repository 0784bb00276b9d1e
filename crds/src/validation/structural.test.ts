import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../common/define-crd.js";
import { formatFieldError } from "./field-error.js";
import { checkStructure } from "./structural.js";

const schema: JsonSchema = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", maxLength: 5 },
    tags: {
      type: "array",
      maxItems: 2,
      items: { type: "string", maxLength: 8 },
      "x-kubernetes-list-type": "set",
    },
    labels: {
      type: "object",
      maxProperties: 1,
      additionalProperties: { type: "string", maxLength: 3 },
    },
    memory: { "x-kubernetes-int-or-string": true, pattern: "^[0-9]+(Mi|Gi)?$" },
    when: { type: "string", format: "date-time", maxLength: 64 },
    count: { type: "integer", format: "int32" },
  },
};

const check = (value: unknown) => checkStructure(value, schema, "spec").map(formatFieldError);

describe("checkStructure", () => {
  it.each([
    ["a missing required field", {}, "spec.name: Required value: "],
    [
      "a string over maxLength",
      { name: "toolong" },
      "spec.name: Too long: may not be more than 5 bytes",
    ],
    ["an unknown field", { name: "a", nmae: "b" }, 'unknown field "spec.nmae"'],
    [
      "a list over maxItems",
      { name: "a", tags: ["x", "y", "z"] },
      "spec.tags: Too many: 3: must have at most 2 items",
    ],
    ["a repeated set item", { name: "a", tags: ["x", "x"] }, 'spec.tags[1]: Duplicate value: "x"'],
    [
      "a map with too many entries",
      { name: "a", labels: { a: "1", b: "2" } },
      "spec.labels: Too many: 2: must have at most 1 items",
    ],
    [
      "a bad map value",
      { name: "a", labels: { "app.kubernetes.io/name": "long" } },
      "spec.labels[app.kubernetes.io/name]: Too long",
    ],
    [
      "a quantity of the wrong shape",
      { name: "a", memory: "2 GB" },
      'spec.memory: Invalid value: "2 GB"',
    ],
    [
      "a quantity of the wrong type",
      { name: "a", memory: true },
      "must be of type integer or string",
    ],
    ["a timestamp that is not one", { name: "a", when: "yesterday" }, "must be of type date-time"],
    [
      "an int32 overflow",
      { name: "a", count: 2 ** 31 },
      "should be less than or equal to 2147483647",
    ],
    [
      "a fractional integer",
      { name: "a", count: 1.5 },
      'spec.count: Invalid value: "number": spec.count in body must be of type integer: "number"',
    ],
    [
      "a list where an object belongs",
      [],
      'spec: Invalid value: "array": spec in body must be of type object: "array"',
    ],
  ])("when given %s, reports it", (_name, value, want) => {
    expect(check(value)).toEqual([expect.stringContaining(want)]);
  });

  it("when a quantity is an integer or a well-formed string, accepts it", () => {
    expect(check({ name: "a", memory: 512 })).toEqual([]);
    expect(check({ name: "a", memory: "2Gi" })).toEqual([]);
  });

  it("when a character outside ASCII is used, counts characters, not UTF-16 units", () => {
    expect(check({ name: "ü🙂ü🙂ü" })).toEqual([]);
  });
});
