// Writes crds/generated/ from the TypeBox source; with --check, writes nothing and
// fails if any generated file is stale, missing or unexpected (the verify gate).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderCrdFiles } from "./render-crds.js";

const outDir = join(import.meta.dirname, "..", "generated");

function drift(expected: Map<string, string>): string[] {
  const present = new Set(
    readdirSync(outDir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name),
  );
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
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of expected) writeFileSync(join(outDir, name), text);
  console.log(`Wrote ${expected.size} CRDs to crds/generated/`);
}

const expected = renderCrdFiles();
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
