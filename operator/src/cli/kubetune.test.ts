// The kubetune CLI as a user runs it: a real process, real files, exit codes and output.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Each test starts a real process through tsx; on a busy 2-core machine that alone can
// take seconds, so the harness waits longer than its 5 s default (no product timing here).
const PROCESS_TEST_TIMEOUT_MS = 30_000;

const root = join(import.meta.dirname, "..", "..", "..");
const cli = join(import.meta.dirname, "kubetune.ts");
const example = join(root, "examples", "finetunejob-qlora.yaml");
const examplePools = join(root, "examples", "gpu-pools.yaml");
const scratch = mkdtempSync(join(tmpdir(), "kubetune-cli-"));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function kubetune(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a file into the scratch directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

/** The example FineTuneJob with some of its text replaced. */
function exampleWith(name: string, replacements: [string | RegExp, string][]): string {
  const text = replacements.reduce(
    (acc, [from, to]) => acc.replace(from, to),
    readFileSync(example, "utf8"),
  );
  return file(name, text);
}

const fullFineTune70B = `apiVersion: kubetune.io/v1alpha1
kind: FineTuneJob
metadata: { name: llama3-70b-full, namespace: ml }
spec:
  model: arxiv-classifier
  baseModel: { name: meta-llama/Meta-Llama-3-70B, uri: "s3://models/llama-3-70b/", parameters: 70B }
  dataset: { uri: "s3://datasets/arxiv/train.jsonl", format: alpaca }
  method: full
  output: { uri: "s3://models/arxiv-classifier/", format: gguf }
`;

describe("kubetune estimate", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("when given the example QLoRA FineTuneJob, prints the breakdown, both pools fitting and t4 as auto's pick", () => {
    const { code, stdout, stderr } = kubetune("estimate", "-f", example);

    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("FineTuneJob ml/arxiv-llama3-qlora: qlora causal-lm fine-tune");
    expect(stdout).toContain("Llama-3-8B: 8.03B parameters, hidden 4096, 32 layers");
    expect(stdout).toContain("r 16 on q_proj, k_proj, v_proj, o_proj: 13.63M trainable");
    expect(stdout).toMatch(/computing in fp16:/);
    expect(stdout).toMatch(/^ {2}total +1\d\.\d\d GiB$/m);
    expect(stdout).toMatch(/^t4 +Tesla-T4 +16 GiB +fp16 +0\.53 +1\d\.\d\d GiB +yes$/m);
    expect(stdout).toMatch(/^a10g +NVIDIA-A10G +24 GiB +bf16 +1\.01 +1\d\.\d\d GiB +yes$/m);
    expect(stdout).toContain("auto picks t4, the cheapest pool that fits (0.53 per GPU-hour).");
  });

  it("when asked for JSON with the example pool ConfigMap, prints the report as JSON", () => {
    const { code, stdout } = kubetune(
      "estimate",
      "-f",
      example,
      "--pools",
      examplePools,
      "-o",
      "json",
    );

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      fineTuneJob: { namespace: "ml", name: "arxiv-llama3-qlora" },
      requested: "auto",
      autoPick: "t4",
      placement: { placed: true, computeDtype: "fp16", pool: { name: "t4" } },
      estimate: { computeDtype: "fp16", trainableParameters: 13_631_488 },
    });
    expect(report.estimate.totalGiB).toBeGreaterThan(10);
    expect(report.estimate.totalGiB).toBeLessThan(16);
    expect(report.pools.map((p: { name: string; fits: boolean }) => [p.name, p.fits])).toEqual([
      ["t4", true],
      ["a10g", true],
    ]);
  });

  it("when the pools file is a bare pools: list without a T4, auto picks the pool it lists", () => {
    const pools = file(
      "pools.yaml",
      `pools:
  - { name: a10g, gpuType: NVIDIA-A10G, gpuMemoryGiB: 24, bf16: true, nodeSelector: {}, pricePerHour: "1.01" }
`,
    );

    const { code, stdout } = kubetune("estimate", "-f", example, "--pools", pools);

    expect(code).toBe(0);
    expect(stdout).toContain("computing in bf16:");
    expect(stdout).toContain("auto picks a10g");
  });

  it("when the run is a full fine-tune of 70B, shows no pool fitting and exits 1 with a sentence", () => {
    const { code, stdout, stderr } = kubetune("estimate", "-f", file("70b.yaml", fullFineTune70B));

    expect(code).toBe(1);
    expect(stdout).toMatch(/^t4 .* no$/m);
    expect(stdout).toMatch(/^a10g .* no$/m);
    expect(stdout).toContain("auto finds no pool that fits.");
    expect(stderr).toMatch(
      /^The run needs an estimated \d+\.\d GiB per GPU; the largest pool, a10g, has 24\.0 GiB\./,
    );
  });

  it("when a named pool is too small, says so and exits 1", () => {
    const path = exampleWith("named.yaml", [
      ["{ type: auto", "{ type: t4"],
      ["batchSize: 4", "batchSize: 8"],
    ]);

    const { code, stdout, stderr } = kubetune("estimate", "-f", path);

    expect(code).toBe(1);
    expect(stdout).toContain("Requested pool t4 does not fit; auto picks a10g");
    expect(stderr).toContain("but pool t4 has 16.0 GiB; pools that fit: a10g.");
  });

  it("when the manifest is invalid, prints the field errors and exits 1", () => {
    const path = exampleWith("invalid.yaml", [
      ["r: 16", "r: 0"],
      ["format: alpaca", "format: csv"],
    ]);

    const { code, stdout, stderr } = kubetune("estimate", "-f", path);

    expect({ code, stdout }).toEqual({ code: 1, stdout: "" });
    expect(stderr).toContain(`${path}: the FineTuneJob is invalid:`);
    expect(stderr).toContain("spec.lora.r: Invalid value");
    expect(stderr).toContain("spec.dataset.format: Unsupported value");
  });

  it("when a LoRA target module is unknown, names the field and exits 1", () => {
    const path = exampleWith("module.yaml", [["q_proj", "c_attn"]]);

    const { code, stderr } = kubetune("estimate", "-f", path);

    expect(code).toBe(1);
    expect(stderr).toContain('spec.lora.targetModules[0]: "c_attn" is not a module of');
  });

  it.each([
    { situation: "no -f", args: [], wantStderr: "Missing -f <finetunejob.yaml>." },
    {
      situation: "an unknown option",
      args: ["-f", example, "--bogus"],
      wantStderr: "Unknown option '--bogus'",
    },
    {
      situation: "an unknown output",
      args: ["-f", example, "-o", "yaml"],
      wantStderr: '--output must be table or json, not "yaml".',
    },
    {
      situation: "a missing file",
      args: ["-f", "missing.yaml"],
      wantStderr: "Cannot read missing.yaml: no such file.",
    },
    {
      situation: "a missing pools file",
      args: ["-f", example, "--pools", "nope.yaml"],
      wantStderr: "Cannot read nope.yaml: no such file.",
    },
    {
      situation: "a file without a FineTuneJob",
      args: ["-f", examplePools],
      wantStderr: "holds no FineTuneJob; give a file with exactly one.",
    },
    {
      situation: "a pools file without pools",
      args: ["-f", example, "--pools", example],
      wantStderr: "holds neither the kubetune-gpu-pools ConfigMap nor a pools: list.",
    },
  ])("when given $situation, explains and exits 2", ({ args, wantStderr }) => {
    const { code, stderr } = kubetune("estimate", ...args);

    expect(code).toBe(2);
    expect(stderr).toContain(wantStderr);
  });

  it("when asked for help, prints the usage and exits 0", () => {
    const { code, stdout } = kubetune("estimate", "--help");

    expect(code).toBe(0);
    expect(stdout).toContain("Usage: kubetune estimate -f <finetunejob.yaml>");
  });
});

describe("kubetune", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each([
    { situation: "no command", args: [], wantCode: 2, wantStream: "stderr" },
    { situation: "--help", args: ["--help"], wantCode: 0, wantStream: "stdout" },
  ] as const)("when given $situation, lists the commands and exits $wantCode", (row) => {
    const result = kubetune(...row.args);

    expect(result.code).toBe(row.wantCode);
    expect(result[row.wantStream]).toContain("estimate  Estimate a FineTuneJob's peak GPU memory");
  });

  it("when the command is unknown, names the known ones and exits 2", () => {
    const { code, stderr } = kubetune("deploy");

    expect(code).toBe(2);
    expect(stderr).toBe(
      'Unknown command "deploy"; kubetune knows: estimate, status, versions, promote, rollback. Run kubetune --help for usage.\n',
    );
  });
});
