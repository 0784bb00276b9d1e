// Builds the project's encoder models (or reuses them) in a cache outside the repo,
// keyed by a hash of everything that shapes them: the training script, the corpus and
// the pinned Python dependencies. The Python tools live in their own virtual
// environment in the same cache, so a fresh machine needs only python3 and the
// package registry.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

export const MODEL_MAKER_DIR = import.meta.dirname;
export const CORPUS_FILE = join(MODEL_MAKER_DIR, "corpus.jsonl");

const MODEL_INPUTS = ["train.py", "model.py", "corpus.jsonl", "requirements.txt"];
const COMPLETE = ".complete";

export type Problem = "single" | "multi";

export interface ProjectModels {
  single: string;
  multi: string;
}

function cacheDir(): string {
  return process.env.KUBETUNE_CACHE_DIR ?? join(homedir(), ".cache", "kubetune");
}

function hashFiles(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(file).update(readFileSync(join(MODEL_MAKER_DIR, file)));
  return hash.digest("hex").slice(0, 16);
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout carries the script's results; both go to our stderr so callers can pipe us.
    // One BLAS thread: the machines are shared 2-core boxes, and the results then do not
    // depend on how many threads a machine offers.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" };
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], env });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}`));
    });
  });
}

/** Builds into a private folder, then renames: a reader never sees half a build. */
async function buildOnce(final: string, build: (dir: string) => Promise<void>): Promise<string> {
  if (existsSync(join(final, COMPLETE))) return final;
  const temp = `${final}.tmp-${process.pid}-${Date.now()}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await build(temp);
  await run("touch", [join(temp, COMPLETE)]);
  await rm(final, { recursive: true, force: true });
  // Two builders racing both produce the same files; whichever rename lands is fine.
  await rename(temp, final).catch(() => rm(temp, { recursive: true, force: true }));
  return final;
}

/**
 * A Python with the given pinned requirements (the model maker's by default): a venv
 * keyed by the requirements file and the base interpreter.
 */
export async function ensurePython(
  requirements = join(MODEL_MAKER_DIR, "requirements.txt"),
): Promise<string> {
  const base = process.env.KUBETUNE_PYTHON ?? "python3";
  const key = createHash("sha256")
    .update(base)
    .update(readFileSync(requirements))
    .digest("hex")
    .slice(0, 16);
  const venv = await buildOnce(join(cacheDir(), "models", `venv-${key}`), async (dir) => {
    console.error(`[models] creating a Python environment for the model maker in ${dir}`);
    await run(base, ["-m", "venv", dir]);
    await run(join(dir, "bin", "python"), ["-m", "pip", "install", "-q", "-r", requirements]);
  });
  return join(venv, "bin", "python");
}

/** Trains one model into `out` (any folder; the cache is not involved). */
export async function trainModel(problem: Problem, out: string): Promise<void> {
  const python = await ensurePython();
  const script = join(MODEL_MAKER_DIR, "train.py");
  await run(python, [script, "--corpus", CORPUS_FILE, "--out", out, "--problem", problem]);
}

/** The project's single-label and multi-label models, built if missing. */
export async function ensureModels(): Promise<ProjectModels> {
  const root = join(cacheDir(), "models", hashFiles(MODEL_INPUTS));
  const build = (problem: Problem) =>
    buildOnce(join(root, problem), async (dir) => {
      console.error(`[models] training the ${problem}-label model into ${dir}`);
      await trainModel(problem, dir);
    });
  return { single: await build("single"), multi: await build("multi") };
}

/**
 * A DistilBERT-shaped classifier with random weights and the single-label model's
 * tokenizer and labels (distilbert_shape.py says why): benchmarks only, built on demand,
 * never by `npm run models`.
 */
export async function ensureDistilbertShapeModel(): Promise<string> {
  const like = (await ensureModels()).single;
  const root = join(cacheDir(), "models", hashFiles([...MODEL_INPUTS, "distilbert_shape.py"]));
  return buildOnce(join(root, "distilbert-shape"), async (dir) => {
    console.error(`[models] writing a DistilBERT-shaped benchmark model into ${dir}`);
    const script = join(MODEL_MAKER_DIR, "distilbert_shape.py");
    await run(await ensurePython(), [script, "--like", like, "--out", dir]);
  });
}
