import { describe, expect, it } from "vitest";
import { fieldsFromJsonSchema, grammarFor, parseHeadless, rebuild, toHeadless } from "./fields.js";

const schema = {
  type: "object",
  properties: {
    title: { type: "string", maxLength: 20 },
    category: { enum: ["cs.AI", "cs.CV"] },
    year: { type: "integer" },
    score: { type: "number" },
    open: { type: "boolean" },
  },
};

describe("structured output fields", () => {
  it("when a flat JSON schema is given, reads its fields in property order", () => {
    expect(fieldsFromJsonSchema(schema)).toEqual([
      { name: "title", type: "string", maxLength: 20 },
      { name: "category", type: "string", enum: ["cs.AI", "cs.CV"], maxLength: 64 },
      { name: "year", type: "integer", maxLength: 64 },
      { name: "score", type: "number", maxLength: 64 },
      { name: "open", type: "boolean", maxLength: 64 },
    ]);
  });

  it.each([
    ["not an object schema", { type: "array" }, /type: object/],
    ["no properties", { type: "object", properties: {} }, /1 to 32 properties/],
    ["a nested object", { type: "object", properties: { a: { type: "object" } } }, /type must be/],
    [
      "an enum value with the delimiter",
      { type: "object", properties: { a: { enum: ["x|y"] } } },
      /enum/,
    ],
    [
      "a bad field name",
      { type: "object", properties: { "a b": { type: "string" } } },
      /field name/,
    ],
  ])("when the schema has %s, refuses it with a 400", (_case, bad, want) => {
    expect(() => fieldsFromJsonSchema(bad)).toThrow(want);
  });

  it("when an object is written headless and rebuilt, it equals the same object parsed from JSON", () => {
    const fields = fieldsFromJsonSchema(schema);
    const value = {
      title: "vision transformers",
      category: "cs.CV",
      year: 2024,
      score: -0.5,
      open: true,
    };

    const headless = toHeadless(value, fields);

    expect(headless).toBe("vision transformers|||cs.CV|||2024|||-0.5|||true");
    expect(rebuild(headless, fields, "headless")).toEqual(
      rebuild(JSON.stringify(value), fields, "json"),
    );
  });

  it("when a headless answer has the wrong number of values, says so", () => {
    expect(() => parseHeadless("a|||b", fieldsFromJsonSchema(schema))).toThrow(
      /2 values for 5 fields/,
    );
  });

  it("when grammars are built, json quotes keys and strings while headless joins bare values", () => {
    const fields = fieldsFromJsonSchema({
      type: "object",
      properties: { c: { enum: ["x", "y"] }, n: { type: "integer" } },
    });

    expect(grammarFor(fields, "json").split("\n")).toEqual([
      'root ::= "{" "\\"c\\":" " "? v0 "," " "? "\\"n\\":" " "? v1 "}"',
      'v0 ::= ("\\"x\\"" | "\\"y\\"")',
      'v1 ::= "-"? [0-9]{1,12}',
    ]);
    expect(grammarFor(fields, "headless").split("\n")).toEqual([
      'root ::= v0 "|||" v1',
      'v0 ::= ("x" | "y")',
      'v1 ::= "-"? [0-9]{1,12}',
    ]);
  });
});
