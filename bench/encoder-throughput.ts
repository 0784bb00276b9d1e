// Benchmark (not a test): the encoder service against a bare onnxruntime-node loop on
// the same model, threads and documents in the same run (the ceiling), and against
// Python onnxruntime; micro-batched against unbatched; memory for a 20,000-token document.
//
//   npm run bench:encoder -- [--seconds 3] [--threads 1] [--model <dir> | --shape distilbert]
//
// By default it runs the project's own small model; `--shape distilbert` runs a
// DistilBERT-shaped one with random weights (the class of model the service is for).
//
// The service runs as its own process on 127.0.0.1; the load generator is this process.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  ensureDistilbertShapeModel,
  ensureModels,
} from "../services/encoder/model-maker/ensure-models.js";
import type { Figures } from "./encoder-peers.js";
import { bareLoop, documentsOf, pythonLoop, stats } from "./encoder-peers.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    threads: { type: "string", default: "1" },
    model: { type: "string" },
    shape: { type: "string", default: "project" },
  },
});
const seconds = Number(values.seconds);
const threads = Number(values.threads);
const MAIN = join(import.meta.dirname, "..", "services", "encoder", "src", "main.ts");

interface Service {
  child: ChildProcess;
  url: string;
}

async function startService(model: string, ...flags: string[]): Promise<Service> {
  const args = [
    "--import",
    "tsx",
    MAIN,
    "--model",
    model,
    "--port",
    "0",
    "--threads",
    String(threads),
    ...flags,
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk;
      const match = /"msg":"Listening".*"port":(\d+)/.exec(log);
      if (match && log.includes('"msg":"Model ready"')) resolve(Number(match[1]));
    });
    child.once("exit", () => {
      reject(new Error(`encoder exited:\n${log}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopService(service: Service): Promise<void> {
  service.child.kill("SIGTERM");
  await once(service.child, "exit");
}

// node:http with a keep-alive pool rather than fetch: on these machines fetch costs
// several times more per request than the server's whole /v2/health/live answer.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function classify(url: string, texts: string[]): Promise<void> {
  const body = JSON.stringify({
    documents: texts.map((text, i) => ({ id: String(i), text })),
    topK: 1,
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/classify`,
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          if (res.statusCode === 200) resolve();
          else
            reject(
              new Error(`classify answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`),
            );
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** `concurrency` clients sending `batch` documents per request for `seconds` (at most 20,000 requests). */
async function load(
  url: string,
  docs: string[],
  batch: number,
  concurrency: number,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  await classify(url, docs.slice(0, batch));
  const start = performance.now();
  const client = async () => {
    while (performance.now() - start < seconds * 1000 && latencies.length < 20_000) {
      const i = next;
      next += batch;
      const texts = Array.from({ length: batch }, (_, k) => docs[(i + k) % docs.length] ?? "");
      const t0 = performance.now();
      await classify(url, texts);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return stats(latencies, latencies.length * batch, (performance.now() - start) / 1000);
}

function procStatus(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0) / 1024;
}

/** Peak RSS growth (MiB) of the service while it classifies a 20,000+-token document. */
async function longDocumentMemory(service: Service, text: string): Promise<number> {
  const pid = service.child.pid ?? 0;
  await classify(service.url, ["warm up"]);
  const before = procStatus(pid, "VmRSS");
  // Resets the peak (VmHWM) to the current RSS, so the peak below is this request's.
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  for (let i = 0; i < 3; i++) await classify(service.url, [text]);
  return procStatus(pid, "VmHWM") - before;
}

const row = (name: string, f: Figures, ratio?: string) => {
  console.log(
    `${name.padEnd(58)} ${f.docsPerSecond.toFixed(0).padStart(7)} docs/s  p50 ${f.p50.toFixed(2).padStart(7)} ms  p99 ${f.p99.toFixed(2).padStart(7)} ms${ratio ? `  ${ratio}` : ""}`,
  );
};
const ratio = (a: number, b: number, what: string) => `${(a / b).toFixed(2)}× ${what}`;

async function chosenModel(): Promise<string> {
  if (values.model !== undefined) return values.model;
  if (values.shape === "distilbert") return ensureDistilbertShapeModel();
  if (values.shape === "project") return (await ensureModels()).single;
  throw new Error(`--shape must be project or distilbert, not ${values.shape}`);
}

const modelDir = await chosenModel();
const scratch = mkdtempSync(join(tmpdir(), "encoder-bench-"));
console.log(`model ${modelDir}; ${threads} intra-op thread(s); ${seconds} s per measurement\n`);
const batched = await startService(modelDir, "--max-batch-size", "8", "--max-wait-ms", "1");
const unbatched = await startService(modelDir, "--max-batch-size", "1", "--max-wait-ms", "0");
try {
  for (const tokens of [128, 512]) {
    const docs = await documentsOf(modelDir, tokens, 64);
    console.log(`--- ${tokens}-token documents`);
    const loop = (batch: number, tokenize: boolean) =>
      bareLoop(modelDir, docs, { batch, seconds, threads, tokenize });
    const run1 = await loop(1, false);
    const run8 = await loop(8, false);
    const full1 = await loop(1, true);
    const full8 = await loop(8, true);
    row("bare session.run, batch 1", run1);
    row("bare session.run, batch 8 (the ceiling)", run8);
    row("bare tokenize + session.run, batch 1", full1);
    row("bare tokenize + session.run, batch 8", full8);
    const py1 = await pythonLoop(modelDir, docs, { batch: 1, seconds, threads }, scratch);
    const py8 = await pythonLoop(modelDir, docs, { batch: 8, seconds, threads }, scratch);
    if (py1) row("Python onnxruntime tokenize + run, batch 1", py1);
    if (py8) row("Python onnxruntime tokenize + run, batch 8", py8);
    const single = await load(batched.url, docs, 1, 1);
    row(
      "service, 1 client, 1 doc/request",
      single,
      `p99 ${ratio(single.p99, full1.p99, "bare tokenize+run")}, ${ratio(single.p99, run1.p99, "bare run")}`,
    );
    const batch8 = await load(batched.url, docs, 8, 1);
    row(
      "service, 1 client, 8 docs/request",
      batch8,
      ratio(batch8.docsPerSecond, full8.docsPerSecond, "bare tokenize+run batch 8"),
    );
    const concurrent = await load(batched.url, docs, 1, 16);
    row(
      "service micro-batched, 16 clients, 1 doc/request",
      concurrent,
      ratio(concurrent.docsPerSecond, run8.docsPerSecond, "bare run batch 8"),
    );
    const plain = await load(unbatched.url, docs, 1, 16);
    row(
      "service unbatched, 16 clients, 1 doc/request",
      plain,
      ratio(concurrent.docsPerSecond, plain.docsPerSecond, "micro-batched/unbatched"),
    );
    if (py8)
      console.log(
        `service micro-batched vs Python batch 8: ${ratio(concurrent.docsPerSecond, py8.docsPerSecond, "")}`,
      );
  }
  const long = (await documentsOf(modelDir, 500, 48)).join(" ");
  const growth = await longDocumentMemory(batched, long);
  console.log(`\n--- long document: ${long.length} characters (over 20,000 tokens)`);
  console.log(
    `peak RSS growth while classifying it 3 times: ${growth.toFixed(1)} MiB (target < 100 MiB)`,
  );
} finally {
  await stopService(batched);
  await stopService(unbatched);
  agent.destroy();
  rmSync(scratch, { recursive: true, force: true });
}
