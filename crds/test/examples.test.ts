import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crds, formatErrors } from "../src/index.js";
import { validateYamlStream } from "../src/validation/documents.js";

const examplesDir = join(import.meta.dirname, "..", "..", "examples");
const files = readdirSync(examplesDir).filter((name) => name.endsWith(".yaml"));
const reports = files.flatMap((file) =>
  validateYamlStream(readFileSync(join(examplesDir, file), "utf8")).map((report) => ({
    file,
    ...report,
  })),
);

describe("examples/", () => {
  it.each(reports.map((r) => [`${r.file}: ${r.subject}`, r] as const))(
    "%s is valid",
    (_name, report) => {
      expect(formatErrors(report.errors)).toEqual([]);
    },
  );

  it("has an example of every kind and of the GPU-pool configuration", () => {
    const kinds = new Set(reports.filter((r) => !r.skipped).map((r) => r.subject.split(" ")[0]));

    expect([...kinds].sort()).toEqual([...crds.map((crd) => crd.kind), "ConfigMap"].sort());
  });

  it("checks everything but the namespaces the examples live in", () => {
    const unchecked = reports.filter((r) => r.skipped).map((r) => r.subject.split(" ")[0]);

    expect(new Set(unchecked)).toEqual(new Set(["Namespace"]));
  });
});
