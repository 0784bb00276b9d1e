import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { crds } from "../src/index.js";
import { HEADER } from "../scripts/render-crds.js";

const generatedDir = join(import.meta.dirname, "..", "generated");

describe("crds/generated", () => {
  it("holds exactly one file per kind", () => {
    expect(readdirSync(generatedDir).sort()).toEqual(
      crds.map((crd) => `${crd.plural}.kubetune.io.yaml`).sort(),
    );
  });

  it.each(crds.map((crd) => [crd.kind, crd] as const))(
    "when the %s YAML is parsed, equals the CRD defined in crds/src",
    (_kind, crd) => {
      const text = readFileSync(join(generatedDir, `${crd.plural}.kubetune.io.yaml`), "utf8");

      expect(text.startsWith(HEADER)).toBe(true);
      expect(parse(text)).toEqual(crd.manifest);
    },
  );
});
