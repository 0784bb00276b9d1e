// Field errors in the shape and wording of apimachinery's field.Error, so a message
// from our validator reads like the one `kubectl apply` prints for the same mistake.

export type FieldErrorType =
  | "Required value"
  | "Invalid value"
  | "Unsupported value"
  | "Duplicate value"
  | "Too long"
  | "Too many"
  | "Forbidden"
  | "Unknown field";

export interface FieldError {
  /** Dotted path with indexes, e.g. spec.variants[1].weight. */
  field: string;
  type: FieldErrorType;
  detail: string;
}

export function fieldError(field: string, type: FieldErrorType, detail: string): FieldError {
  return { field, type, detail };
}

export function formatFieldError(error: FieldError): string {
  return error.type === "Unknown field"
    ? `unknown field "${error.field}"`
    : `${error.field}: ${error.type}: ${error.detail}`;
}

/** The OpenAPI type of a JSON value, as the API server names it in messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

export function childPath(parent: string, key: string): string {
  if (!parent) return key;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${parent}.${key}` : `${parent}[${key}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
