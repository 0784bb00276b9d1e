// Applies schema defaults the way the API server does before it validates: a default
// fills an absent field of an object that is present, at any depth.
import type { JsonSchema } from "../common/define-crd.js";
import { childrenOf, isPlainObject } from "./walk.js";

/** Returns a defaulted deep copy; the input is left untouched. */
export function applyDefaults<T>(value: T, schema: JsonSchema): T {
  const copy = structuredClone(value);
  fill(copy, schema);
  return copy;
}

function fill(value: unknown, schema: JsonSchema): void {
  if (isPlainObject(value)) {
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (value[key] === undefined && property.default !== undefined) {
        value[key] = structuredClone(property.default);
      }
    }
  }
  for (const child of childrenOf(value, schema, "")) fill(child.value, child.schema);
}
