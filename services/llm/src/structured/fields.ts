// Structured output for a small, flat field schema in two formats: `json` (a grammar that
// only admits a JSON object of the schema) and `headless` (the values alone, in field
// order, joined by a delimiter, rebuilt into the same JSON object by the service). Both
// grammars admit the same values, so the token counts compare the formats, not the values.
import { invalidInput } from "../errors.js";

export type FieldType = "string" | "integer" | "number" | "boolean";
export interface Field {
  name: string;
  type: FieldType;
  enum?: string[];
  maxLength: number;
}
export type StructuredFormat = "json" | "headless";
export const HEADLESS_DELIMITER = "|||";

const DEFAULT_MAX_LENGTH = 64;
const MAX_FIELDS = 32;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// A string value never holds the delimiter's character, a quote, a backslash or a control character.
const STRING_CHAR = `[^"\\\\|\\x00-\\x1F]`;

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const TYPES = new Set<unknown>(["string", "integer", "number", "boolean"]);
const isEnumValue = (v: unknown) => typeof v === "string" && v !== "" && !/["\\|]/.test(v);

function enumField(name: string, values: unknown[]): Field {
  if (values.length === 0 || !values.every(isEnumValue))
    throw invalidInput(
      `field "${name}": enum needs non-empty strings without quotes, backslashes or |`,
    );
  return { name, type: "string", enum: values as string[], maxLength: DEFAULT_MAX_LENGTH };
}

function maxLengthOf(schema: Schema): number {
  const { maxLength } = schema;
  return typeof maxLength === "number" && maxLength >= 1 && maxLength <= 256
    ? Math.floor(maxLength)
    : DEFAULT_MAX_LENGTH;
}

function fieldFrom(name: string, schema: unknown): Field {
  if (!NAME.test(name)) throw invalidInput(`field name "${name}" must match ${NAME.source}`);
  if (!isObject(schema)) throw invalidInput(`field "${name}" needs a schema object`);
  if (Array.isArray(schema.enum)) return enumField(name, schema.enum);
  if (!TYPES.has(schema.type))
    throw invalidInput(`field "${name}": type must be string, integer, number or boolean`);
  return { name, type: schema.type as FieldType, maxLength: maxLengthOf(schema) };
}

/** Reads a flat JSON schema ({type: object, properties}) into fields, in property order. */
export function fieldsFromJsonSchema(schema: unknown): Field[] {
  if (!isObject(schema) || schema.type !== "object" || !isObject(schema.properties))
    throw invalidInput("the schema must be {type: object, properties: {...}}");
  const entries = Object.entries(schema.properties);
  if (entries.length === 0 || entries.length > MAX_FIELDS)
    throw invalidInput(`the schema needs 1 to ${MAX_FIELDS} properties`);
  return entries.map(([name, child]) => fieldFrom(name, child));
}

const quoted = (text: string) => JSON.stringify(text);

function valueRule(field: Field, format: StructuredFormat): string {
  const q = format === "json" ? `"\\""` : "";
  if (field.enum)
    return `(${field.enum.map((v) => quoted(format === "json" ? `"${v}"` : v)).join(" | ")})`;
  switch (field.type) {
    case "string":
      return `${q} ${STRING_CHAR}{0,${field.maxLength}} ${q}`.trim();
    case "integer":
      return `"-"? [0-9]{1,12}`;
    case "number":
      return `"-"? [0-9]{1,12} ("." [0-9]{1,6})?`;
    case "boolean":
      return `("true" | "false")`;
  }
}

/** A GBNF grammar admitting exactly the outputs of `format` for `fields`. */
export function grammarFor(fields: Field[], format: StructuredFormat): string {
  const rules = fields.map((f, i) => `v${i} ::= ${valueRule(f, format)}`);
  const body =
    format === "json"
      ? `"{" ${fields.map((f, i) => `${quoted(`"${f.name}":`)} " "? v${i}`).join(` "," " "? `)} "}"`
      : fields.map((_, i) => `v${i}`).join(` ${quoted(HEADLESS_DELIMITER)} `);
  return [`root ::= ${body}`, ...rules].join("\n");
}

function parseValue(field: Field, raw: string): unknown {
  if (field.type === "integer" || field.type === "number") return Number(raw);
  if (field.type === "boolean") return raw === "true";
  return raw;
}

/** Rebuilds the JSON object from a headless answer; throws if the field count is wrong. */
export function parseHeadless(text: string, fields: Field[]): Record<string, unknown> {
  const parts = text.trim().split(HEADLESS_DELIMITER);
  if (parts.length !== fields.length)
    throw new Error(`headless output has ${parts.length} values for ${fields.length} fields`);
  return Object.fromEntries(fields.map((f, i) => [f.name, parseValue(f, parts[i] ?? "")]));
}

/** The headless rendering of an object (the inverse of parseHeadless). */
export function toHeadless(value: Record<string, unknown>, fields: Field[]): string {
  return fields.map((f) => String(value[f.name])).join(HEADLESS_DELIMITER);
}

/** The object a structured answer stands for, whichever format it was generated in. */
export function rebuild(
  text: string,
  fields: Field[],
  format: StructuredFormat,
): Record<string, unknown> {
  if (format === "headless") return parseHeadless(text, fields);
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new Error("json output is not an object");
  return parsed;
}
