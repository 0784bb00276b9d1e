import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { crds, routingTableSchema } from "../src/index.js";
import { HEADER } from "../scripts/render-crds.js";
import { SCHEMA_COMMENT } from "../scripts/render-schemas.js";

const generatedDir = join(import.meta.dirname, "..", "generated");

describe("crds/generated", () => {
  it("holds exactly one YAML file per kind", () => {
    const yamlFiles = readdirSync(generatedDir).filter((name) => name.endsWith(".yaml"));

    expect(yamlFiles.sort()).toEqual(crds.map((crd) => `${crd.plural}.kubetune.io.yaml`).sort());
  });

  it.each(crds.map((crd) => [crd.kind, crd] as const))(
    "when the %s YAML is parsed, equals the CRD defined in crds/src",
    (_kind, crd) => {
      const text = readFileSync(join(generatedDir, `${crd.plural}.kubetune.io.yaml`), "utf8");

      expect(text.startsWith(HEADER)).toBe(true);
      expect(parse(text)).toEqual(crd.manifest);
    },
  );

  it("when the routing-table JSON Schema is parsed, equals the contract in crds/src", () => {
    const text = readFileSync(join(generatedDir, "schemas", "routing-table.schema.json"), "utf8");
    const { $comment, $schema, title, ...schema } = JSON.parse(text) as Record<string, unknown>;

    expect({ $comment, $schema, title }).toMatchObject({ $comment: SCHEMA_COMMENT });
    expect(schema).toEqual(routingTableSchema);
  });
});
