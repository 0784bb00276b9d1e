// What the trainer's cross-language suites share: the trainer's cached Python environment,
// a run of the real trainer process on an input in the contract's shape, a recording
// stand-in for the Kubernetes API (it accepts the trainer's progress patches and keeps
// them), and the project's other Python entry points (tiny models, PyTorch reference
// outputs).
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const TRAINER_DIR = join(import.meta.dirname, "..");
const run = promisify(execFile);

let interpreter: Promise<string> | undefined;
/** The trainer's venv (created on first use on this machine, minutes; cached after). */
function trainerPython(): Promise<string> {
  interpreter ??= run("bash", [join(TRAINER_DIR, "scripts", "venv.sh")], {
    maxBuffer: 1 << 20,
  }).then(({ stdout }) => stdout.trim());
  return interpreter;
}

const pythonEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  PYTHONPATH: join(TRAINER_DIR, "src"),
  PYTHONDONTWRITEBYTECODE: "1",
  OMP_NUM_THREADS: "1",
  TOKENIZERS_PARALLELISM: "false",
});

/** Runs the trainer's python with `args` (the trainer on its path); returns stdout. */
export async function python(args: readonly string[]): Promise<string> {
  const { stdout } = await run(await trainerPython(), [...args], {
    env: pythonEnv(),
    maxBuffer: 16 << 20,
  });
  return stdout;
}

/** The trainer's interpreter with its environment, as a long-running child process. */
export async function spawnPython(args: readonly string[]): Promise<ChildProcess> {
  return spawn(await trainerPython(), [...args], { env: pythonEnv() });
}

/** `python -m kubetune_trainer.<module> ...args`; returns stdout. */
export function pythonModule(module: string, args: readonly string[]): Promise<string> {
  return python(["-m", `kubetune_trainer.${module}`, ...args]);
}

export async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), "kubetune-trainer-"));
}

export interface TrainerRun {
  code: number | null;
  /** The termination message: the result JSON on success, "<Reason> (exit n): …" on failure. */
  message: string;
  /** Every progress body the trainer patched into its ConfigMap, parsed. */
  progress: unknown[];
  /** The merge patches as sent. */
  patches: { url: string; contentType: string; body: unknown }[];
  logs: string;
}

interface Recorder {
  server: Server;
  url: string;
  patches: TrainerRun["patches"];
}

/** Answers PATCH like the API server does for a ConfigMap the trainer may write; records it. */
async function recordingApi(): Promise<Recorder> {
  const patches: TrainerRun["patches"] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const ok = request.method === "PATCH";
      if (ok) {
        patches.push({
          url: request.url ?? "",
          contentType: request.headers["content-type"] ?? "",
          body: JSON.parse(body) as unknown,
        });
      }
      response.writeHead(ok ? 200 : 405, { "content-type": "application/json" });
      response.end(ok ? "{}" : '{"error":"only PATCH"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, url: `http://127.0.0.1:${address.port}`, patches };
}

function progressOf(patch: TrainerRun["patches"][number]): unknown {
  const data = (patch.body as { data?: Record<string, string> }).data ?? {};
  return JSON.parse(data["progress.json"] ?? "null") as unknown;
}

/**
 * The trainer as its pod runs it: `python -m kubetune_trainer` with the contract's env,
 * plus `extraEnv` (what a pod gets from elsewhere, e.g. a credentials Secret).
 */
export async function runTrainer(
  input: unknown,
  dir: string,
  extraEnv: Record<string, string> = {},
): Promise<TrainerRun> {
  const inputPath = join(dir, "finetunejob.json");
  const account = join(dir, "serviceaccount");
  await writeFile(inputPath, JSON.stringify(input));
  await run("mkdir", ["-p", account]);
  await writeFile(join(account, "token"), "test-token\n");
  const api = await recordingApi();
  const termination = join(dir, "termination-log");
  const env = {
    ...pythonEnv(),
    KUBETUNE_TRAINER_INPUT: inputPath,
    KUBETUNE_PROGRESS_CONFIGMAP: "run-exchange",
    KUBETUNE_NAMESPACE: "ml",
    KUBETUNE_KUBE_API: api.url,
    KUBETUNE_SERVICE_ACCOUNT_DIR: account,
    KUBETUNE_PROGRESS_INTERVAL: "0",
    KUBETUNE_TERMINATION_LOG: termination,
    ...extraEnv,
  };
  const child = spawn(await trainerPython(), ["-m", "kubetune_trainer"], { env });
  let logs = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (logs += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (logs += c));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve) => {
    api.server.close(() => {
      resolve();
    });
  });
  const message = await readFile(termination, "utf8").catch(() => "");
  return { code, message, progress: api.patches.map(progressOf), patches: api.patches, logs };
}

/** Lines for the tiny tokenizers, and rows for the datasets. */
export const QA = [
  ["what colour is the sky", "the sky is blue"],
  ["what colour is grass", "grass is green"],
  ["what do cats say", "cats say meow"],
  ["what do dogs say", "dogs say woof"],
  ["what is two plus two", "two plus two is four"],
  ["where does the sun rise", "the sun rises in the east"],
] as const;

export const TOPICS: Record<string, string[]> = {
  physics: [
    "quantum particles and energy fields",
    "the energy of a moving particle",
    "gravity bends light near mass",
    "particles collide at high energy",
  ],
  biology: [
    "cells divide and grow in tissue",
    "the protein folds inside the cell",
    "genes code for a protein",
    "tissue grows from dividing cells",
  ],
  maths: [
    "prime numbers and their proofs",
    "a proof about every prime number",
    "the sum of two even numbers",
    "numbers in a sequence converge",
  ],
};

export const ALPACA_HEADER =
  "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n";

export function alpacaPrompt(question: string): string {
  return `${ALPACA_HEADER}### Instruction:\n${question}\n\n### Response:\n`;
}

export function corpusLines(): string[] {
  const lines = [
    ...QA.map(([q, a]) => `${q} ${a}`),
    ...Object.values(TOPICS).flat(),
    "### Instruction:",
    "### Response:",
    ALPACA_HEADER.trim(),
  ];
  return [...lines, ...lines, ...lines];
}

export function jsonl(rows: readonly unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join("");
}
