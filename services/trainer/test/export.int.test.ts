// The trainer across languages: the real trainer process (Python, its cached venv) trains
// tiny models built from configuration, reports progress and its result in the contract's
// shapes (validated here with the operator's own schemas), and its exports are served by
// the real encoder and LLM services, answering as PyTorch does.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClassifyResponse, TrainerResult } from "@kubetune/api";
import {
  TRAINER_EXIT_REASONS,
  formatErrors,
  trainerProgressSchema,
  trainerResultSchema,
  validateAgainstSchema,
} from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServiceProcess } from "../../../e2e/support/service-process.js";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
import type { TrainerRun } from "./support.js";
import {
  QA,
  TOPICS,
  alpacaPrompt,
  corpusLines,
  jsonl,
  python,
  pythonModule,
  runTrainer,
  scratch,
} from "./support.js";

const SERVICES = join(import.meta.dirname, "..", "..");
const started: ServiceProcess<string>[] = [];

/** Fails the test unless `value` satisfies the contract schema. */
function expectValid(value: unknown, schema: typeof trainerResultSchema): void {
  expect(formatErrors(validateAgainstSchema(value, schema).errors)).toEqual([]);
}

function checkedResult(message: string): TrainerResult {
  const value = JSON.parse(message) as TrainerResult;
  expectValid(value, trainerResultSchema);
  return value;
}

function pathOf(uri: string): string {
  return new URL(uri).pathname;
}

function input(base: string, data: string, out: string, spec: Record<string, unknown>) {
  return {
    fineTuneJob: "tiny-run",
    version: "v1",
    computeDtype: "bf16",
    spec: {
      model: "tiny",
      baseModel: { name: "tiny", uri: `file://${base}`, parameters: "1M" },
      dataset: { uri: `file://${data}`, format: "qa", validationSplit: "0.2" },
      method: "lora",
      output: { uri: `file://${out}`, format: "gguf" },
      ...spec,
    },
  };
}

async function startEncoder(folder: string, digest: string): Promise<string> {
  const encoder = await startServiceProcess({
    name: "encoder",
    main: join(SERVICES, "encoder", "src", "main.ts"),
    args: ["--model", folder, "--digest", digest, "--port", "0"],
    ready: (output) => {
      const port = /"msg":"Listening".*"port":(\d+)/.exec(output)?.[1];
      return port && output.includes('"msg":"Model ready"')
        ? `http://127.0.0.1:${port}`
        : undefined;
    },
    deadlineMs: 90_000,
  });
  started.push(encoder);
  return encoder.value;
}

async function startLlm(args: string[]): Promise<string> {
  const llm = await startServiceProcess({
    name: "llm",
    main: join(SERVICES, "llm", "src", "main.ts"),
    args: [...args, "--port", "0"],
    ready: (output) => {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      return url !== undefined && output.includes(" loaded\n") ? url : undefined;
    },
    deadlineMs: 90_000,
  });
  started.push(llm);
  return llm.value;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body it expects
async function post<T>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

afterAll(async () => {
  await Promise.all(started.splice(0).map((service) => service.stop()));
});

function expectContractProgress(run: TrainerRun): void {
  expect(run.patches.length).toBeGreaterThan(0);
  for (const patch of run.patches) {
    expect(patch.url).toBe(
      "/api/v1/namespaces/ml/configmaps/run-exchange?fieldManager=kubetune-trainer",
    );
    expect(patch.contentType).toBe("application/merge-patch+json");
  }
  for (const progress of run.progress) expectValid(progress, trainerProgressSchema);
  const last = run.progress.at(-1) as { step: number; totalSteps: number };
  expect(last.step).toBe(last.totalSteps);
}

describe("the trainer's exit codes", () => {
  it("when the trainer names a failure, its code and reason are the contract's", async () => {
    const script =
      "import json; from kubetune_trainer.errors import REASONS; " +
      "print(json.dumps({int(k): v for k, v in REASONS.items() if k != 1}))";
    expect(JSON.parse(await python(["-c", script]))).toEqual(TRAINER_EXIT_REASONS);
  });

  it("when the input is invalid, the process exits 2 and says why in the termination message", async () => {
    const dir = await scratch();
    const run = await runTrainer(
      { fineTuneJob: "bad", version: "v1", computeDtype: "fp16", spec: {} },
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.message).toBe("InvalidInput (exit 2): spec.method must be a non-empty string");
  });
});

describe("a sequence-classification run", () => {
  let dir: string;
  let run: TrainerRun;
  let result: TrainerResult;

  beforeAll(async () => {
    dir = await scratch();
    await writeFile(join(dir, "corpus.txt"), corpusLines().join("\n"));
    await pythonModule("tiny", ["bert", join(dir, "base"), join(dir, "corpus.txt")]);
    const rows = Object.entries(TOPICS).flatMap(([label, texts]) =>
      texts.map((text) => ({ text, label })),
    );
    await writeFile(join(dir, "labels.jsonl"), jsonl([...rows, ...rows]));
    const spec = {
      task: "sequence-classification",
      method: "full",
      dataset: {
        uri: `file://${join(dir, "labels.jsonl")}`,
        format: "text-label",
        validationSplit: "0.25",
      },
      hyperparameters: {
        epochs: 8,
        learningRate: "5e-3",
        maxSeqLength: 32,
        gradientCheckpointing: false,
      },
      output: { uri: `file://${join(dir, "out")}`, format: "onnx" },
    };
    run = await runTrainer(input(join(dir, "base"), "", "", spec), dir);
    expect(run.code, run.logs).toBe(0);
    result = checkedResult(run.message);
  }, 600_000);

  it("when it trains, it reports progress and a result the operator's schemas accept", () => {
    expectContractProgress(run);
    expect(Object.keys(result.metrics ?? {})).toEqual(
      expect.arrayContaining(["accuracy", "f1_micro", "f1_macro", "roc_auc", "eval_loss"]),
    );
  });

  it("when the exported folder is served by the encoder, its probabilities are PyTorch's", async () => {
    const folder = pathOf(result.artifact.uri);
    const url = await startEncoder(folder, result.artifact.digest ?? "");
    const texts = ["prime numbers and proofs", "the cell divides", "energy of particles"];
    const reference = JSON.parse(
      await pythonModule("predict", ["--model", join(dir, "out", "model"), ...texts]),
    ) as { labels: string[]; probabilities: number[][] };
    const { status, body } = await post<ClassifyResponse>(`${url}/v1/classify`, {
      documents: texts.map((text, i) => ({ id: String(i), text })),
      topK: 3,
    });
    expect(status).toBe(200);
    body.results.forEach((answer, i) => {
      for (const { label, score } of answer.labels) {
        const expected = reference.probabilities[i]?.[reference.labels.indexOf(label)] ?? NaN;
        expect(score).toBeCloseTo(expected, 4);
      }
    });
  });
});

describe("a causal-LM LoRA run exported to GGUF", () => {
  let dir: string;
  let run: TrainerRun;
  let result: TrainerResult;
  const prompts = QA.slice(0, 3).map(([question]) => alpacaPrompt(question));

  beforeAll(async () => {
    dir = await scratch();
    await writeFile(join(dir, "corpus.txt"), corpusLines().join("\n"));
    await pythonModule("tiny", ["llama", join(dir, "base"), join(dir, "corpus.txt")]);
    const rows = QA.map(([question, answer]) => ({ question, answer }));
    await writeFile(join(dir, "qa.jsonl"), jsonl([...rows, ...rows, ...rows, ...rows]));
    const spec = {
      lora: {
        r: 8,
        alpha: 16,
        dropout: "0",
        targetModules: [
          "q_proj",
          "k_proj",
          "v_proj",
          "o_proj",
          "gate_proj",
          "up_proj",
          "down_proj",
        ],
      },
      hyperparameters: {
        epochs: 12,
        learningRate: "3e-2",
        maxSeqLength: 64,
        gradientCheckpointing: false,
        seed: 7,
        extra: { ggufType: "f32" },
      },
    };
    run = await runTrainer(
      input(join(dir, "base"), join(dir, "qa.jsonl"), join(dir, "out"), spec),
      dir,
    );
    expect(run.code, run.logs).toBe(0);
    result = checkedResult(run.message);
    // The adapter is served on its base: the base converted by the trainer's exporter.
    await pythonModule("convert", [join(dir, "base"), join(dir, "base.gguf"), "f32"]);
  }, 600_000);

  it("when it trains, it reports progress and both GGUF files with digests", () => {
    expectContractProgress(run);
    expect(result.artifact.uri).toMatch(/\/out\/model\.gguf$/);
    expect(result.adapter?.uri).toMatch(/\/out\/adapter\.gguf$/);
    expect(result.adapter?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(result.metrics ?? {}).sort()).toEqual([
      "eval_loss",
      "perplexity",
      "train_loss",
    ]);
  });

  async function completions(url: string, model: string): Promise<string[]> {
    const texts: string[] = [];
    for (const prompt of prompts) {
      const { status, body } = await post<{ choices: { text: string }[] }>(
        `${url}/v1/completions`,
        {
          model,
          prompt,
          max_tokens: 8,
          temperature: 0,
        },
      );
      expect(status).toBe(200);
      texts.push(body.choices[0]?.text ?? "");
    }
    return texts;
  }

  it("when llama.cpp serves the merged GGUF, its greedy answers are PyTorch's", async () => {
    const url = await startLlm(["--model", pathOf(result.artifact.uri)]);
    const reference = JSON.parse(
      await pythonModule("generate", [
        "--model",
        join(dir, "out", "model"),
        "--max-tokens",
        "8",
        ...prompts,
      ]),
    ) as { completions: string[] };
    expect(await completions(url, "model")).toEqual(reference.completions);
    // It learned the answers' form: at least one greedy answer is a training answer.
    const answers: string[] = QA.map(([, answer]) => answer);
    expect(reference.completions.some((text) => answers.includes(text))).toBe(true);
  });

  it("when llama.cpp serves the GGUF adapter on the base, its greedy answers are PyTorch's", async () => {
    const adapter = pathOf(result.adapter?.uri ?? "");
    const url = await startLlm(["--model", join(dir, "base.gguf"), "--adapter", `qa=${adapter}`]);
    const args = ["--model", join(dir, "base"), "--adapter", join(dir, "out", "adapter")];
    const tuned = JSON.parse(
      await pythonModule("generate", [...args, "--max-tokens", "8", ...prompts]),
    ) as { completions: string[] };
    expect(await completions(url, "base:qa")).toEqual(tuned.completions);
    // The untrained base answers noise (often partial UTF-8, which llama.cpp and the
    // Python tokenizer render differently, so it is not compared); the adapter changes it.
    expect(await completions(url, "base")).not.toEqual(tuned.completions);
  });
});
