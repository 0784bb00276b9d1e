// Writes crds/generated/ from the TypeBox source (CRD YAML, and JSON Schemas of the file
// contracts under schemas/); with --check, writes nothing and fails if any generated file
// is stale, missing or unexpected (the verify gate).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { renderCrdFiles } from "./render-crds.js";
import { renderSchemaFiles } from "./render-schemas.js";

const outDir = join(import.meta.dirname, "..", "generated");

/** Every file under outDir, as paths relative to it with forward slashes. */
function presentFiles(): Set<string> {
  return new Set(
    readdirSync(outDir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => relative(outDir, join(e.parentPath, e.name)).split("\\").join("/")),
  );
}

function drift(expected: Map<string, string>): string[] {
  const present = presentFiles();
  const problems: string[] = [];
  for (const [name, text] of expected) {
    if (!present.has(name)) problems.push(`missing: ${name}`);
    else if (readFileSync(join(outDir, name), "utf8") !== text) problems.push(`stale: ${name}`);
  }
  for (const name of present) if (!expected.has(name)) problems.push(`unexpected: ${name}`);
  return problems;
}

function write(expected: Map<string, string>): void {
  rmSync(outDir, { recursive: true, force: true });
  for (const [name, text] of expected) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), text);
  }
  console.log(`Wrote ${expected.size} files to crds/generated/`);
}

const expected = new Map([...renderCrdFiles(), ...renderSchemaFiles()]);
if (process.argv.includes("--check")) {
  mkdirSync(outDir, { recursive: true });
  const problems = drift(expected);
  if (problems.length > 0) {
    console.error(`Generated files are out of date (run npm run gen):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log("Generated files are up to date");
} else {
  write(expected);
}
