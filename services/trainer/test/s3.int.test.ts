// An s3:// output across languages: the real trainer process uploads to an S3-compatible
// server on 127.0.0.1 (moto's server from the trainer's pinned environment: an S3
// emulator, not AWS), its result passes the operator's schema with s3:// URIs, and the
// objects read back with boto3 have the digests the result names.
import type { ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TrainerResult } from "@kubetune/api";
import {
  TRAINER_EXIT_REASONS,
  formatErrors,
  trainerResultSchema,
  validateAgainstSchema,
} from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainerRun } from "./support.js";
import {
  QA,
  corpusLines,
  jsonl,
  python,
  pythonModule,
  runTrainer,
  scratch,
  spawnPython,
} from "./support.js";

const BUCKET = "kubetune-int";
let store: ChildProcess | undefined;
let endpoint: string;
let dir: string;

/** Starts moto's server on a free loopback port; resolves with its URL. */
async function startStore(): Promise<string> {
  const child = await spawnPython(["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"]);
  store = child;
  let output = "";
  return new Promise<string>((resolve, reject) => {
    const onData = (chunk: string) => {
      output += chunk;
      const url = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.setEncoding("utf8").on("data", onData);
    child.stderr?.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => {
      reject(new Error(`the S3 emulator exited with ${String(code)}: ${output}`));
    });
  });
}

function s3Env(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "kubetune-int",
    AWS_SECRET_ACCESS_KEY: "kubetune-int-secret",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: endpoint,
    KUBETUNE_SCRATCH_DIR: join(dir, "scratch"),
  };
}

/** Reads what the trainer stored with boto3 (signed, as any S3 client): hex sha256 and text. */
async function readBack(uri: string): Promise<{ sha256: string; text: string }> {
  const env = s3Env();
  const script = [
    "import boto3, hashlib, json, sys",
    `c = boto3.client("s3", endpoint_url=${JSON.stringify(endpoint)}, region_name="us-east-1",`,
    `  aws_access_key_id=${JSON.stringify(env.AWS_ACCESS_KEY_ID)},`,
    `  aws_secret_access_key=${JSON.stringify(env.AWS_SECRET_ACCESS_KEY)})`,
    "bucket, _, key = sys.argv[1][len('s3://'):].partition('/')",
    "body = c.get_object(Bucket=bucket, Key=key)['Body'].read()",
    "print(json.dumps({'sha256': hashlib.sha256(body).hexdigest(), 'text': body.decode('latin-1')}))",
  ].join("\n");
  return JSON.parse(await python(["-c", script, uri])) as { sha256: string; text: string };
}

function input(bucket: string, spec: Record<string, unknown> = {}) {
  return {
    fineTuneJob: "tiny-s3",
    version: "v1",
    computeDtype: "fp16",
    spec: {
      model: "tiny",
      baseModel: { name: "tiny", uri: `file://${join(dir, "base")}`, parameters: "1M" },
      dataset: { uri: `file://${join(dir, "qa.jsonl")}`, format: "qa", validationSplit: "0.2" },
      method: "lora",
      lora: { r: 8, alpha: 16, dropout: "0" },
      hyperparameters: { epochs: 1, maxSeqLength: 64, gradientCheckpointing: false, seed: 7 },
      output: { uri: `s3://${bucket}/runs/tiny/`, format: "gguf" },
      ...spec,
    },
  };
}

beforeAll(async () => {
  dir = await scratch();
  endpoint = await startStore();
  expect((await fetch(`${endpoint}/${BUCKET}`, { method: "PUT" })).status).toBe(200);
  await writeFile(join(dir, "corpus.txt"), corpusLines().join("\n"));
  await pythonModule("tiny", ["llama", join(dir, "base"), join(dir, "corpus.txt")]);
  const rows = QA.map(([question, answer]) => ({ question, answer }));
  await writeFile(join(dir, "qa.jsonl"), jsonl([...rows, ...rows, ...rows, ...rows]));
}, 600_000);

afterAll(() => {
  store?.kill();
});

describe("a causal-LM run with an s3:// output", () => {
  let run: TrainerRun;
  let result: TrainerResult;

  beforeAll(async () => {
    run = await runTrainer(input(BUCKET), join(dir), s3Env());
    expect(run.code, run.logs).toBe(0);
    result = JSON.parse(run.message) as TrainerResult;
  }, 600_000);

  it("when it succeeds, its result names the objects and passes the operator's schema", () => {
    expect(formatErrors(validateAgainstSchema(result, trainerResultSchema).errors)).toEqual([]);
    expect(result.artifact.uri).toBe(`s3://${BUCKET}/runs/tiny/model.gguf`);
    expect(result.adapter?.uri).toBe(`s3://${BUCKET}/runs/tiny/adapter.gguf`);
  });

  it("when the objects are read back, their sha256 is the result's digest", async () => {
    for (const entry of [result.artifact, result.adapter]) {
      const stored = await readBack(entry?.uri ?? "");
      expect(`sha256:${stored.sha256}`).toBe(entry?.digest);
    }
  });

  it("when the upload is whole, result.json under the prefix is the reported result", async () => {
    const stored = await readBack(`s3://${BUCKET}/runs/tiny/result.json`);
    expect(JSON.parse(stored.text)).toEqual(result);
  });
});

describe("an s3:// output whose bucket does not exist", () => {
  it("when the trainer starts, it exits 8 with the contract's reason before training", async () => {
    const run = await runTrainer(input("kubetune-missing"), join(dir), s3Env());

    expect(run.code).toBe(8);
    expect(run.message).toBe(
      `${TRAINER_EXIT_REASONS[8]} (exit 8): cannot reach s3://kubetune-missing/runs/tiny: ` +
        "the bucket kubetune-missing does not exist",
    );
    expect(run.progress).toEqual([]); // no training step was reported
  });
});
