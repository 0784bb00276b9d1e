// Schema helpers that only emit what a Kubernetes structural schema accepts.
// TypeBox's own Union/Record/Ref would emit anyOf-with-type, patternProperties
// and $ref, all of which the API server rejects in a CRD (see docs/adr/0001).
import { Type } from "@sinclair/typebox";
import type { SchemaOptions, TSchema, TUnsafe, TArray, TObject } from "@sinclair/typebox";

/** A CEL rule evaluated by the API server (and by our validator) on the node it sits on. */
export interface CelRule {
  rule: string;
  message: string;
  /** Path relative to the node, e.g. ".weight", that the error is reported against. */
  fieldPath?: string;
  reason?:
    "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
}

/** A transition rule that forbids changing a field once the object exists. */
export function immutable(field: string): CelRule[] {
  return [{ rule: "self == oldSelf", message: `${field} is immutable` }];
}

/** Every node is described: the description becomes `kubectl explain` text. */
export interface Described extends SchemaOptions {
  description: string;
  "x-kubernetes-validations"?: CelRule[];
}

/** A string restricted to a fixed set of values, emitted as `{type: string, enum}`. */
export function Enum<const T extends readonly string[]>(
  values: T,
  options: Described & { default?: T[number] },
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: "string", enum: [...values] });
}

/** A free-form but bounded string. */
export function BoundedString(maxLength: number, options: Described & { minLength?: number }) {
  return Type.String({ minLength: 1, ...options, maxLength });
}

/** DNS-1123 label: the shape of every Kubernetes object name kubetune derives other names from. */
export const DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
/** An RFC 1035 label: what a Service name must be (a letter first). */
export const DNS_1035_LABEL_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

/** Name of an object in the same namespace (e.g. a ModelVersion). */
export function ObjectName(options: Described) {
  return Type.String({ ...options, minLength: 1, maxLength: 63, pattern: DNS_LABEL_PATTERN });
}

/** A location such as s3://bucket/path, gs://…, https://…, file:///…, pvc://claim/path. */
export function Uri(options: Described) {
  return Type.String({
    ...options,
    minLength: 1,
    maxLength: 2048,
    pattern: "^[a-z][a-z0-9+.-]*://[^\\s]+$",
  });
}

/** Content digest, as OCI writes it. */
export function Digest(options: Described) {
  return Type.String({ ...options, maxLength: 71, pattern: "^sha256:[a-f0-9]{64}$" });
}

/** A decimal in [0, 1] written as a string: floats do not round-trip through the API. */
export function Fraction(options: Described & { default?: string }) {
  return Type.String({ ...options, maxLength: 8, pattern: "^(0(\\.[0-9]{1,6})?|1(\\.0{1,6})?)$" });
}

/** A decimal in [0, 1) written as a string. */
export function FractionBelowOne(options: Described & { default?: string }) {
  return Type.String({ ...options, maxLength: 8, pattern: "^0(\\.[0-9]{1,6})?$" });
}

/** A non-negative decimal, optionally in scientific notation ("2e-4", "0.0002", "12.5"). */
export function Decimal(options: Described & { default?: string }) {
  return Type.String({
    ...options,
    maxLength: 32,
    pattern: "^[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$",
  });
}

/** A Go-style duration made of whole units, e.g. "30s", "5m", "1h30m". */
export function Duration(options: Described & { default?: string }) {
  return Type.String({ ...options, maxLength: 32, pattern: "^([0-9]{1,6}(ms|s|m|h))+$" });
}

/** An HTTP header name (RFC 9110 token). */
export function HeaderName(options: Described) {
  return Type.String({
    ...options,
    minLength: 1,
    maxLength: 128,
    pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
  });
}

/** A Kubernetes resource quantity ("500m", "2Gi", 4): int-or-string, as core/v1 writes it. */
export function Quantity(options: Described) {
  return Type.Unsafe<string | number>({
    ...options,
    "x-kubernetes-int-or-string": true,
    anyOf: [{ type: "integer" }, { type: "string" }],
    pattern:
      "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$",
  });
}

type ListType = "atomic" | "set" | "map";

interface ListOptions extends Described {
  maxItems: number;
  minItems?: number;
  listType: ListType;
  /** Required for `listType: map`: the item fields that identify an item. */
  mapKeys?: string[];
}

/** A bounded list that says how server-side apply merges it. */
export function List<T extends TSchema>(items: T, options: ListOptions): TArray<T> {
  const { listType, mapKeys, ...rest } = options;
  return Type.Array(items, {
    ...rest,
    "x-kubernetes-list-type": listType,
    ...(mapKeys ? { "x-kubernetes-list-map-keys": mapKeys } : {}),
  });
}

interface StringMapOptions extends Described {
  maxProperties: number;
  valueMaxLength: number;
  valuePattern?: string;
}

/**
 * A bounded string→string map, emitted with `additionalProperties` (CRDs forbid the
 * `patternProperties` that Type.Record would emit). Maps are the documented exception
 * to "no maps" for open-ended pass-through data such as pod labels or metric values.
 */
export function StringMap(options: StringMapOptions) {
  const { valueMaxLength, valuePattern, ...rest } = options;
  return Type.Unsafe<Record<string, string>>({
    ...rest,
    type: "object",
    additionalProperties: {
      type: "string",
      description: "Value of one entry.",
      maxLength: valueMaxLength,
      ...(valuePattern ? { pattern: valuePattern } : {}),
    },
  });
}

/** An RFC 3339 timestamp, as metav1.Time serialises. */
export function Timestamp(options: Described) {
  return Type.String({ ...options, format: "date-time", maxLength: 64 });
}

/** Any 64-bit counter such as observedGeneration. */
export function Int64(options: Described & { minimum?: number; maximum?: number }) {
  return Type.Integer({ ...options, format: "int64" });
}

/** A 32-bit integer within a range. */
export function Int32(options: Described & { minimum: number; maximum: number; default?: number }) {
  return Type.Integer({ ...options, format: "int32" });
}

/** An object node; describing it is mandatory like every other node. */
export function Struct<T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: Described,
): TObject<T> {
  return Type.Object(properties, options);
}
