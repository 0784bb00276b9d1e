// Our kube-api-linter: walks every schema and enforces the structural-schema and API
// conventions from HOUSE_STYLE.md, so a new field cannot slip in undescribed or unbounded.
import { describe, expect, it } from "vitest";
import type { DefinedCrd, JsonSchema } from "../src/index.js";
import {
  crds,
  gpuPoolConfigSchema,
  trainerProgressSchema,
  trainerResultSchema,
} from "../src/index.js";
import { compileRule, isTransitionRule } from "../src/validation/cel.js";
import { validateAgainstSchema } from "../src/validation/validate.js";

interface Node {
  path: string;
  schema: JsonSchema;
}

function nodes(schema: JsonSchema, path: string): Node[] {
  const own: Node = { path, schema };
  const properties = Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
    nodes(child, `${path}.${key}`),
  );
  const items = schema.items ? nodes(schema.items, `${path}[]`) : [];
  const additional =
    typeof schema.additionalProperties === "object"
      ? nodes(schema.additionalProperties, `${path}{}`)
      : [];
  return [own, ...properties, ...items, ...additional];
}

/** The user-facing schemas: each CRD's spec and status, and the GPU-pool configuration. */
const apiSchemas: Node[] = [
  ...crds.flatMap((crd) => [
    { path: `${crd.kind}.spec`, schema: crd.schema.properties!.spec! },
    { path: `${crd.kind}.status`, schema: crd.schema.properties!.status! },
  ]),
  { path: "GpuPoolConfig", schema: gpuPoolConfigSchema },
  { path: "TrainerProgress", schema: trainerProgressSchema },
  { path: "TrainerResult", schema: trainerResultSchema },
];
const allNodes = apiSchemas.flatMap((root) => nodes(root.schema, root.path));

function violations(check: (node: Node) => string | undefined): string[] {
  return allNodes.flatMap((node) => {
    const problem = check(node);
    return problem ? [`${node.path}: ${problem}`] : [];
  });
}

describe("API conventions", () => {
  it("every node has a type (or is an int-or-string quantity)", () => {
    expect(
      violations(({ schema }) =>
        schema.type || schema["x-kubernetes-int-or-string"] ? undefined : "no type",
      ),
    ).toEqual([]);
  });

  it("every node has a description, which kubectl explain shows", () => {
    expect(
      violations(({ schema }) => (schema.description?.trim() ? undefined : "no description")),
    ).toEqual([]);
  });

  it("every string is bounded by maxLength or an enum", () => {
    expect(
      violations(({ schema }) =>
        schema.type === "string" && schema.maxLength === undefined && !schema.enum
          ? "unbounded string"
          : undefined,
      ),
    ).toEqual([]);
  });

  it("every list is bounded and says how server-side apply merges it", () => {
    expect(
      violations(({ schema }) => {
        if (schema.type !== "array") return undefined;
        if (schema.maxItems === undefined) return "no maxItems";
        return schema["x-kubernetes-list-type"] ? undefined : "no x-kubernetes-list-type";
      }),
    ).toEqual([]);
  });

  it("every list-map key is a required field of its items", () => {
    expect(
      violations(({ schema }) => {
        const keys = schema["x-kubernetes-list-map-keys"] ?? [];
        const required = schema.items?.required ?? [];
        const missing = keys.filter((key) => !required.includes(key));
        return missing.length > 0 ? `map keys not required: ${missing.join(", ")}` : undefined;
      }),
    ).toEqual([]);
  });

  it("every map is bounded", () => {
    expect(
      violations(({ schema }) =>
        typeof schema.additionalProperties === "object" && schema.maxProperties === undefined
          ? "unbounded map"
          : undefined,
      ),
    ).toEqual([]);
  });

  it("no field is a float: decimals are strings with a pattern", () => {
    expect(
      violations(({ schema }) => (schema.type === "number" ? "float field" : undefined)),
    ).toEqual([]);
  });

  it("no field is called phase: conditions carry state", () => {
    expect(violations(({ path }) => (/\.phase$/.test(path) ? "phase field" : undefined))).toEqual(
      [],
    );
  });

  it("every default is valid against its own node", () => {
    expect(
      violations(({ schema, path }) => {
        if (schema.default === undefined) return undefined;
        const { errors } = validateAgainstSchema(
          schema.default,
          { ...schema, default: undefined },
          { path },
        );
        return errors.length > 0
          ? `default ${JSON.stringify(schema.default)} is invalid`
          : undefined;
      }),
    ).toEqual([]);
  });

  it("every CEL rule parses, has a message, and points its fieldPath at a real field", () => {
    expect(
      violations(({ schema }) => {
        const problems = (schema["x-kubernetes-validations"] ?? []).flatMap((rule) => {
          const issues: string[] = [];
          try {
            compileRule(rule.rule);
          } catch (error) {
            issues.push(`rule "${rule.rule}" does not parse: ${(error as Error).message}`);
          }
          if (!rule.message) issues.push(`rule "${rule.rule}" has no message`);
          if (rule.fieldPath && !resolvesField(schema, rule.fieldPath))
            issues.push(`fieldPath ${rule.fieldPath} not in schema`);
          return issues;
        });
        return problems.length > 0 ? problems.join("; ") : undefined;
      }),
    ).toEqual([]);
  });

  it("immutability is written as a transition rule on the field itself", () => {
    expect(
      violations(({ schema }) =>
        (schema["x-kubernetes-validations"] ?? []).some(
          (rule) => isTransitionRule(rule.rule) && rule.rule !== "self == oldSelf",
        )
          ? "transition rule other than self == oldSelf"
          : undefined,
      ),
    ).toEqual([]);
  });
});

function resolvesField(schema: JsonSchema, fieldPath: string): boolean {
  let node: JsonSchema | undefined = schema;
  for (const key of fieldPath.split(".").slice(1)) node = node?.properties?.[key];
  return node !== undefined;
}

describe.each(crds.map((crd): [string, DefinedCrd] => [crd.kind, crd]))(
  "the %s CRD",
  (_kind, crd) => {
    const version = crd.manifest.spec.versions[0]!;
    const status = crd.schema.properties!.status!;

    it("has a status subresource whose status holds observedGeneration and conditions", () => {
      expect(version.subresources).toEqual({ status: {} });
      expect(status.properties?.observedGeneration?.format).toBe("int64");
      expect(status.properties?.conditions).toMatchObject({
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
        maxItems: 16,
      });
    });

    it("is in the kubetune category with a short name", () => {
      expect(crd.manifest.spec.names.categories).toEqual(["kubetune"]);
      expect(crd.manifest.spec.names.shortNames).toHaveLength(1);
    });

    it("shows Ready and Age in kubectl get, and every printer column reads a declared field", () => {
      const columns = version.additionalPrinterColumns;
      expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(["Ready", "Age"]));
      const unresolved = columns
        .filter((c) => !c.jsonPath.startsWith(".metadata."))
        .filter((c) => !resolvesPrinterPath(crd.schema, c.jsonPath))
        .map((c) => c.jsonPath);
      expect(unresolved).toEqual([]);
    });

    it("limits names so derived child names stay within 63 characters", () => {
      expect(crd.schema.properties?.metadata?.properties?.name?.maxLength).toBeLessThanOrEqual(52);
    });
  },
);

/** Follows a printer-column JSONPath such as .status.conditions[?(@.type=="Ready")].status. */
function resolvesPrinterPath(root: JsonSchema, jsonPath: string): boolean {
  const steps = jsonPath
    .replace(/\[[^\]]*\]/g, "[]")
    .split(".")
    .slice(1);
  let node: JsonSchema | undefined = root;
  for (const step of steps) {
    const [key, ...arrays] = step.split("[");
    node = node?.properties?.[key!];
    for (let i = 0; i < arrays.length; i++) node = node?.items;
  }
  return node !== undefined && node.type !== "object" && node.type !== "array";
}
