// The OpenAPI checks the API server runs on a custom resource: types, bounds, enums,
// patterns, required and unknown fields, and list-type uniqueness.
import type { JsonSchema } from "../common/define-crd.js";
import type { FieldError } from "./field-error.js";
import { childPath, fieldError, typeName } from "./field-error.js";
import { childrenOf, isPlainObject } from "./walk.js";

const INT32_MAX = 2 ** 31 - 1;

export function checkStructure(value: unknown, schema: JsonSchema, path: string): FieldError[] {
  const errors = checkNode(value, schema, path);
  if (errors.length > 0) return errors;
  return childrenOf(value, schema, path).flatMap((child) =>
    checkStructure(child.value, child.schema, child.path),
  );
}

type Checker = (value: unknown, schema: JsonSchema, path: string) => FieldError[];

const checkers: Record<NonNullable<JsonSchema["type"]>, Checker> = {
  object: checkObject,
  array: checkArray,
  string: (value, schema, path) =>
    typeof value === "string" ? checkString(value, schema, path) : wrongType(path, value, "string"),
  integer: (value, schema, path) =>
    typeof value === "number" && Number.isInteger(value)
      ? checkInteger(value, schema, path)
      : wrongType(path, value, "integer"),
  number: (value, _schema, path) =>
    typeof value === "number" ? [] : wrongType(path, value, "number"),
  boolean: (value, _schema, path) =>
    typeof value === "boolean" ? [] : wrongType(path, value, "boolean"),
};

function checkNode(value: unknown, schema: JsonSchema, path: string): FieldError[] {
  if (value === null && schema.nullable) return [];
  if (schema["x-kubernetes-int-or-string"]) return checkIntOrString(value, schema, path);
  if (!schema.type) return [fieldError(path, "Invalid value", `schema of ${path} has no type`)];
  return checkers[schema.type](value, schema, path);
}

function wrongType(path: string, value: unknown, type: string): FieldError[] {
  const actual = typeName(value);
  return [
    fieldError(
      path,
      "Invalid value",
      `"${actual}": ${path} in body must be of type ${type}: "${actual}"`,
    ),
  ];
}

function checkIntOrString(value: unknown, schema: JsonSchema, path: string): FieldError[] {
  if (Number.isInteger(value)) return [];
  if (typeof value === "string") return checkString(value, schema, path);
  return wrongType(path, value, "integer or string");
}

function checkObject(value: unknown, schema: JsonSchema, path: string): FieldError[] {
  if (!isPlainObject(value)) return wrongType(path, value, "object");
  const missing = (schema.required ?? [])
    .filter((name) => value[name] === undefined)
    .map((name) => fieldError(childPath(path, name), "Required value", ""));
  const allowsAny = typeof schema.additionalProperties === "object";
  const unknown = Object.keys(value)
    .filter((key) => !allowsAny && !schema.properties?.[key])
    .map((key) => fieldError(childPath(path, key), "Unknown field", ""));
  const count = Object.keys(value).length;
  const tooMany =
    schema.maxProperties !== undefined && count > schema.maxProperties
      ? [fieldError(path, "Too many", `${count}: must have at most ${schema.maxProperties} items`)]
      : [];
  return [...missing, ...unknown, ...tooMany];
}

function checkArray(value: unknown, schema: JsonSchema, path: string): FieldError[] {
  if (!Array.isArray(value)) return wrongType(path, value, "array");
  const errors: FieldError[] = [];
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    errors.push(
      fieldError(path, "Too many", `${value.length}: must have at most ${schema.maxItems} items`),
    );
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push(
      fieldError(
        path,
        "Invalid value",
        `${value.length}: must have at least ${schema.minItems} items`,
      ),
    );
  }
  return [...errors, ...checkListType(value, schema, path)];
}

/** set: items are unique; map: the key fields of items are unique, as server-side apply needs. */
function checkListType(items: unknown[], schema: JsonSchema, path: string): FieldError[] {
  const listType = schema["x-kubernetes-list-type"];
  if (listType !== "set" && listType !== "map") return [];
  const keyOf = (item: unknown) =>
    listType === "set"
      ? JSON.stringify(item)
      : JSON.stringify(pick(item, schema["x-kubernetes-list-map-keys"] ?? []));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (seen.has(key)) errors.push(fieldError(`${path}[${index}]`, "Duplicate value", key));
    seen.add(key);
  });
  return errors;
}

function pick(item: unknown, keys: string[]): Record<string, unknown> {
  const source = isPlainObject(item) ? item : {};
  return Object.fromEntries(keys.map((key) => [key, source[key]]));
}

function checkString(value: string, schema: JsonSchema, path: string): FieldError[] {
  const quoted = JSON.stringify(value);
  if (schema.enum && !schema.enum.includes(value)) return unsupported(path, quoted, schema.enum);
  const length = characterCount(value);
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    return [fieldError(path, "Too long", `may not be more than ${schema.maxLength} bytes`)];
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    return [invalid(path, quoted, `should be at least ${schema.minLength} chars long`)];
  }
  return checkStringFormat(value, schema, path);
}

function checkStringFormat(value: string, schema: JsonSchema, path: string): FieldError[] {
  const quoted = JSON.stringify(value);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
    return [invalid(path, quoted, `should match '${schema.pattern}'`)];
  }
  if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
    return [invalid(path, quoted, "must be of type date-time")];
  }
  return [];
}

function invalid(path: string, quoted: string, rule: string): FieldError {
  return fieldError(path, "Invalid value", `${quoted}: ${path} in body ${rule}`);
}

/** The API server bounds strings in Unicode code points (Go runes), not UTF-16 units. */
function characterCount(value: string): number {
  return Array.from(value).length;
}

function checkInteger(value: number, schema: JsonSchema, path: string): FieldError[] {
  if (schema.enum && !schema.enum.includes(value))
    return unsupported(path, String(value), schema.enum);
  if (schema.minimum !== undefined && value < schema.minimum) {
    return [
      fieldError(
        path,
        "Invalid value",
        `${value}: ${path} in body should be greater than or equal to ${schema.minimum}`,
      ),
    ];
  }
  const maximum = schema.maximum ?? (schema.format === "int32" ? INT32_MAX : undefined);
  if (maximum !== undefined && value > maximum) {
    return [
      fieldError(
        path,
        "Invalid value",
        `${value}: ${path} in body should be less than or equal to ${maximum}`,
      ),
    ];
  }
  return [];
}

function unsupported(path: string, quoted: string, allowed: (string | number)[]): FieldError[] {
  const list = allowed.map((v) => JSON.stringify(v)).join(", ");
  return [fieldError(path, "Unsupported value", `${quoted}: supported values: ${list}`)];
}
