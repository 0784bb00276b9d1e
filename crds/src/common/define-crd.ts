// Turns a kind's TypeBox schemas into an apiextensions.k8s.io/v1 CustomResourceDefinition.
// The same plain-JSON schema is what the runtime validator walks, so the YAML the
// API server enforces and the checks our code runs can never drift apart.
import type { TSchema } from "@sinclair/typebox";
import type { CelRule } from "./schema.js";
import { DNS_1035_LABEL_PATTERN, DNS_LABEL_PATTERN } from "./schema.js";

export const GROUP = "kubetune.io";
export const CATEGORY = "kubetune";

/** A plain JSON Schema node, as it appears in `openAPIV3Schema`. */
export interface JsonSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: (string | number)[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  nullable?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: CelRule[];
}

/** The keys V1JSONSchemaProps accepts that our helpers use; anything else fails generation. */
const ALLOWED_SCHEMA_KEYS = new Set<string>([
  "type",
  "description",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "anyOf",
  "enum",
  "default",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "maxProperties",
  "nullable",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-validations",
]);

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description: string;
  priority?: number;
}

const READY = '.status.conditions[?(@.type=="Ready")]';

/** The columns every kubetune kind shows: the Ready condition, its reason, and age. */
export function readyColumn(description: string): PrinterColumn {
  return { name: "Ready", type: "string", jsonPath: `${READY}.status`, description };
}

export function reasonColumn(priority = 0): PrinterColumn {
  const column: PrinterColumn = {
    name: "Reason",
    type: "string",
    jsonPath: `${READY}.reason`,
    description: "Why the object is in its state.",
  };
  return priority > 0 ? { ...column, priority } : column;
}

export const AGE_COLUMN: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
  description: "Time since creation.",
};

export interface VersionDefinition {
  name: string;
  spec: TSchema;
  status: TSchema;
  printerColumns: PrinterColumn[];
}

export interface CrdDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  /** Longest metadata.name allowed, so derived child names stay within 63 characters. */
  nameMaxLength: number;
  /** The name becomes (part of) a Service's name, which must start with a letter. */
  nameIsServiceName?: true;
  versions: [VersionDefinition];
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: "Namespaced";
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JsonSchema };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

export interface DefinedCrd {
  kind: string;
  group: string;
  version: string;
  apiVersion: string;
  plural: string;
  /** The root schema of the served version: what both the API server and our validator enforce. */
  schema: JsonSchema;
  manifest: CustomResourceDefinition;
}

export function defineCrd(def: CrdDefinition): DefinedCrd {
  const [version] = def.versions;
  const schema = rootSchema(def, version);
  return {
    kind: def.kind,
    group: GROUP,
    version: version.name,
    apiVersion: `${GROUP}/${version.name}`,
    plural: def.plural,
    schema,
    manifest: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${def.plural}.${GROUP}` },
      spec: {
        group: GROUP,
        names: {
          kind: def.kind,
          listKind: `${def.kind}List`,
          plural: def.plural,
          singular: def.singular,
          shortNames: def.shortNames,
          categories: [CATEGORY],
        },
        scope: "Namespaced",
        versions: [
          {
            name: version.name,
            served: true,
            storage: true,
            schema: { openAPIV3Schema: schema },
            subresources: { status: {} },
            additionalPrinterColumns: version.printerColumns,
          },
        ],
      },
    },
  };
}

function rootSchema(def: CrdDefinition, version: VersionDefinition): JsonSchema {
  return {
    type: "object",
    description: def.description,
    required: ["spec"],
    properties: {
      apiVersion: {
        type: "string",
        description: `Versioned schema of this object; "${GROUP}/${version.name}".`,
      },
      kind: { type: "string", description: `Kind of this object; "${def.kind}".` },
      metadata: {
        type: "object",
        properties: {
          name: {
            type: "string",
            maxLength: def.nameMaxLength,
            pattern: def.nameIsServiceName ? DNS_1035_LABEL_PATTERN : DNS_LABEL_PATTERN,
          },
        },
      },
      spec: toPlainSchema(version.spec, "spec"),
      status: toPlainSchema(version.status, "status"),
    },
  };
}

/** Drops TypeBox's symbol keys and refuses keywords the API server would reject. */
export function toPlainSchema(schema: TSchema, path: string): JsonSchema {
  // Key order only matters to readers of the generated YAML: type and description first.
  const plain = JSON.parse(JSON.stringify(schema, typeFirst)) as Record<string, unknown>;
  assertAllowedKeys(plain, path);
  return plain;
}

function typeFirst(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const { type, description, ...rest } = value as Record<string, unknown>;
  return { type, description, ...rest };
}

function assertAllowedKeys(node: Record<string, unknown>, path: string): void {
  for (const key of Object.keys(node)) {
    if (!ALLOWED_SCHEMA_KEYS.has(key)) {
      throw new Error(`${path}: schema keyword "${key}" is not allowed in a CRD schema`);
    }
  }
  const children: [string, unknown][] = [
    ...Object.entries((node.properties ?? {}) as Record<string, unknown>),
    ["[]", node.items],
    ["{}", typeof node.additionalProperties === "object" ? node.additionalProperties : undefined],
  ];
  for (const [name, child] of children) {
    if (child) assertAllowedKeys(child as Record<string, unknown>, `${path}.${name}`);
  }
}
