// The runtime validator: defaulting, structural checks and CEL rules, in the API
// server's order, over the same schemas the generated CRDs carry.
import type { DefinedCrd, JsonSchema } from "../common/define-crd.js";
import { crds } from "../registry.js";
import { checkRules } from "./cel.js";
import { applyDefaults } from "./defaults.js";
import type { FieldError } from "./field-error.js";
import { fieldError, formatFieldError } from "./field-error.js";
import { checkStructure } from "./structural.js";
import { isPlainObject } from "./walk.js";

export interface ValidationResult<T = unknown> {
  errors: FieldError[];
  /** The input with schema defaults applied (what the API server would store). */
  value: T;
}

export interface ValidateOptions {
  /** The stored object, for an update: enables the transition (immutability) rules. */
  old?: unknown;
  /** Path prefix for messages, e.g. "spec". */
  path?: string;
}

/** Validates a value against one schema node: defaults, then structure, then CEL. */
export function validateAgainstSchema<T = unknown>(
  input: unknown,
  schema: JsonSchema,
  options: ValidateOptions = {},
): ValidationResult<T> {
  const path = options.path ?? "";
  const value = applyDefaults(input, schema);
  const old = options.old === undefined ? undefined : applyDefaults(options.old, schema);
  const structural = checkStructure(value, schema, path);
  // As in the API server, CEL rules see only values of the declared shape.
  const errors = structural.length > 0 ? structural : checkRules(value, old, schema, path);
  return { errors, value: value as T };
}

const TOP_LEVEL_FIELDS = new Set(["apiVersion", "kind", "metadata", "spec", "status"]);

/** Validates a kubetune manifest (any kind and version this package defines). */
export function validateResource(
  manifest: unknown,
  options: Pick<ValidateOptions, "old"> = {},
): ValidationResult {
  if (!isPlainObject(manifest)) {
    return {
      errors: [fieldError("", "Invalid value", "a manifest must be a YAML or JSON object")],
      value: manifest,
    };
  }
  const crd = crds.find((c) => c.apiVersion === manifest.apiVersion && c.kind === manifest.kind);
  if (!crd) return { errors: [unknownKind(manifest)], value: manifest };
  const errors = [...checkTopLevel(manifest), ...checkMetadata(manifest.metadata, crd)];
  const oldObject = isPlainObject(options.old) ? options.old : {};
  const value: Record<string, unknown> = { ...manifest };
  for (const part of ["spec", "status"] as const) {
    if (manifest[part] === undefined) {
      if (part === "spec") errors.push(fieldError("spec", "Required value", ""));
      continue;
    }
    const result = validateAgainstSchema(manifest[part], partSchema(crd, part), {
      path: part,
      old: oldObject[part],
    });
    errors.push(...result.errors);
    value[part] = result.value;
  }
  return { errors, value };
}

export function formatErrors(errors: FieldError[]): string[] {
  return errors.map(formatFieldError);
}

function partSchema(crd: DefinedCrd, part: "spec" | "status"): JsonSchema {
  const schema = crd.schema.properties?.[part];
  if (!schema) throw new Error(`${crd.kind} has no ${part} schema`);
  return schema;
}

function unknownKind(manifest: Record<string, unknown>): FieldError {
  const known = crds.map((c) => `${c.apiVersion} ${c.kind}`).join(", ");
  const got = `${String(manifest.apiVersion)} ${String(manifest.kind)}`;
  return fieldError("kind", "Unsupported value", `"${got}": supported kinds: ${known}`);
}

function checkTopLevel(manifest: Record<string, unknown>): FieldError[] {
  return Object.keys(manifest)
    .filter((key) => !TOP_LEVEL_FIELDS.has(key))
    .map((key) => fieldError(key, "Unknown field", ""));
}

function checkMetadata(metadata: unknown, crd: DefinedCrd): FieldError[] {
  if (!isPlainObject(metadata)) return [fieldError("metadata", "Required value", "")];
  const nameSchema = crd.schema.properties?.metadata?.properties?.name ?? { type: "string" };
  if (metadata.name === undefined && typeof metadata.generateName === "string") return [];
  if (metadata.name === undefined)
    return [fieldError("metadata.name", "Required value", "name or generateName is required")];
  return checkStructure(metadata.name, nameSchema, "metadata.name");
}
