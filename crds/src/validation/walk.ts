// Pairs each present value with the schema node that governs it; the defaulting,
// structural and CEL passes all walk objects and lists the same way.
import type { JsonSchema } from "../common/define-crd.js";
import { childPath, indexPath } from "./field-error.js";

export interface Child {
  path: string;
  value: unknown;
  schema: JsonSchema;
  key: string | number;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The children of a value its schema describes; unknown fields are left to the structural pass. */
export function childrenOf(value: unknown, schema: JsonSchema, path: string): Child[] {
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    return (value as unknown[]).map((item, index) => ({
      path: indexPath(path, index),
      value: item,
      schema: items,
      key: index,
    }));
  }
  if (!isPlainObject(value)) return [];
  const children: Child[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? additional(schema);
    if (childSchema)
      children.push({ path: childPath(path, key), value: child, schema: childSchema, key });
  }
  return children;
}

function additional(schema: JsonSchema): JsonSchema | undefined {
  return typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
}
