// The manifest checker as a user runs it: a real process, its output and exit code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Each test starts a real process through tsx; on a busy 2-core machine that alone can
// take seconds, so the harness waits longer than its 5 s default (no product timing here).
const PROCESS_TEST_TIMEOUT_MS = 30_000;

const root = join(import.meta.dirname, "..", "..");
const script = join(root, "crds", "scripts", "validate-manifests.ts");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run validate", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("when every manifest is valid, lists them and exits 0", () => {
    const { code, out } = run("examples");

    expect(out).toContain(
      "valid    examples/finetunejob-qlora.yaml: FineTuneJob ml/arxiv-llama3-qlora",
    );
    expect(code).toBe(0);
  });

  it("when a manifest breaks a rule, prints the field and the rule and exits 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "kubetune-validate-"));
    const file = join(dir, "route.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: kubetune.io/v1alpha1",
        "kind: InferenceRoute",
        "metadata: {name: arxiv}",
        "spec:",
        "  model: arxiv-classifier",
        "  variants: [{name: a, modelVersion: v1, weight: 90}, {name: b, modelVersion: v2, weight: 5}]",
      ].join("\n"),
    );

    const { code, out } = run(file);

    expect(out).toContain(`INVALID  ${file}: InferenceRoute arxiv`);
    expect(out).toContain(
      'spec.variants: Invalid value: "object": variant weights must sum to 100',
    );
    expect(code).toBe(1);
  });

  it("when no file is named, prints usage and exits 2", () => {
    const { code, err } = run();

    expect(err).toContain("usage: npm run validate");
    expect(code).toBe(2);
  });

  it("when a file does not exist, says so and exits 2", () => {
    const { code, err } = run("no-such-file.yaml");

    expect(err).toContain("cannot read input");
    expect(code).toBe(2);
  });
});
