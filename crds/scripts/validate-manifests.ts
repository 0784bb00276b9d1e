// kubetune's manifest checker: validates YAML files (or every .yaml under a folder)
// against the kubetune.io CRDs, CEL rules included, before they reach a cluster.
// Exit codes: 0 all valid, 1 some invalid, 2 nothing to check or unreadable input.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatErrors } from "../src/index.js";
import type { DocumentReport } from "../src/validation/documents.js";
import { validateYamlStream } from "../src/validation/documents.js";

function yamlFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(target, name));
}

function printReport(file: string, report: DocumentReport): void {
  if (report.skipped) {
    console.log(`skipped  ${file}: ${report.subject} (${report.skipped})`);
    return;
  }
  if (report.errors.length === 0) {
    console.log(`valid    ${file}: ${report.subject}`);
    return;
  }
  console.log(`INVALID  ${file}: ${report.subject}`);
  for (const line of formatErrors(report.errors)) console.log(`           ${line}`);
}

function main(targets: string[]): number {
  if (targets.length === 0) {
    console.error("usage: npm run validate -- <file-or-folder>...");
    return 2;
  }
  let files: string[];
  try {
    files = targets.flatMap(yamlFiles);
  } catch (error) {
    console.error(`cannot read input: ${(error as Error).message}`);
    return 2;
  }
  const reports = files.flatMap((file) =>
    validateYamlStream(readFileSync(file, "utf8")).map((report) => ({ file, report })),
  );
  for (const { file, report } of reports) printReport(file, report);
  const invalid = reports.filter(({ report }) => report.errors.length > 0).length;
  const skipped = reports.filter(({ report }) => report.skipped).length;
  const checked = reports.length - skipped;
  console.log(`\n${checked - invalid} valid, ${invalid} invalid, ${skipped} skipped`);
  if (checked === 0) return 2;
  return invalid > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
