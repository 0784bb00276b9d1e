// Benchmark (not a test): the LLM service's HTTP overhead against node-llama-cpp called
// directly in the same run, and the output tokens of `headless` against `json`
// structured output for the same field schema.
//
//   npm run bench:llm -- [--model <gguf> | --size bench|tiny] [--rounds 5] [--prompt-words 150] [--tokens 256]
//
// Without --model it uses the project's model recipe at `bench` size (about 25 M
// parameters, built into the cache if missing; `tiny` is the tests' 0.6 MB one). The
// service runs as its own process (as in a pod); the direct peer runs in this process with
// the same threads and context size. Rounds alternate between the two; medians are printed.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadLlama } from "../services/llm/src/engine/llama-engine.js";
import { ensureTinyModel } from "../services/llm/src/tiny-model/build.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    size: { type: "string", default: "bench" },
    rounds: { type: "string", default: "5" },
    "prompt-words": { type: "string", default: "150" },
    tokens: { type: "string", default: "256" },
    threads: { type: "string", default: "1" },
  },
});
const model = values.model ?? ensureTinyModel(values.size === "tiny" ? "tiny" : "bench").model;
const rounds = Number(values.rounds);
const generate = Number(values.tokens);
const threads = Number(values.threads);
const CONTEXT = 2048;
const prompt =
  "Title: low rank adaptation of large language models for document classification. ".repeat(
    Math.ceil(Number(values["prompt-words"]) / 11),
  );

const TTFT_PROMPT = "Title: low rank adaptation";
const TTFT_ROUNDS = 31;

interface Run {
  promptTokens: number;
  ttftMs: number;
  genTokensPerSecond: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function directPeer() {
  const llama = await loadLlama();
  const loaded = await llama.loadModel({ modelPath: model, gpuLayers: 0 });
  const context = await loaded.createContext({ contextSize: CONTEXT, sequences: 1, threads });
  const sequence = context.getSequence();
  const bos =
    loaded.tokens.bos !== null && loaded.tokens.shouldPrependBosToken ? [loaded.tokens.bos] : [];
  return async (text: string, count: number): Promise<Run> => {
    const tokens = [...bos, ...loaded.tokenize(text)];
    await sequence.clearHistory();
    const start = performance.now();
    let first = 0;
    const generated: typeof tokens = [];
    const options = { temperature: 0, topK: 0, topP: 1, yieldEogToken: true };
    // What a direct caller does: collect the tokens, decode the text at the end.
    for await (const token of sequence.evaluate(tokens, options)) {
      if (generated.push(token) === 1) first = performance.now();
      if (generated.length >= count) break;
    }
    loaded.detokenize(generated);
    const end = performance.now();
    return {
      promptTokens: tokens.length,
      ttftMs: first - start,
      genTokensPerSecond: ((generated.length - 1) * 1000) / (end - first),
    };
  };
}

async function startService(): Promise<{ url: string; stop: () => void }> {
  const main = join(import.meta.dirname, "..", "services", "llm", "src", "main.ts");
  const args = [
    "--model",
    model,
    "--port",
    "0",
    "--threads",
    String(threads),
    "--context-size",
    String(CONTEXT),
  ];
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += String(chunk);
      const found = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1];
      if (found && / loaded/.test(output)) resolve(found);
    });
    child.on("exit", () => {
      reject(new Error(`the service exited:\n${output}`));
    });
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

// node:http with a keep-alive agent rather than fetch, as the encoder bench does: fetch's
// own per-request cost on these machines is several milliseconds, which would be counted
// as the service's added time to first token.
const agent = new Agent({ keepAlive: true });

/** Posts a streaming completion; calls `onChunk` with each chunk's arrival time and text. */
function postStream(
  url: string,
  body: object,
  onChunk: (now: number, text: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/completions`,
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (text: string) => {
          onChunk(performance.now(), text);
        });
        res.on("end", resolve);
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function httpRun(url: string, text: string, count: number): Promise<Run> {
  const body = {
    prompt: text,
    max_tokens: count,
    temperature: 0,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
  };
  let first = 0;
  let last = 0;
  const start = performance.now();
  let events = "";
  await postStream(url, body, (now, chunk) => {
    events += chunk;
    if (first === 0 && events.includes('"text":')) first = now;
    if (!events.includes('"usage"')) last = now;
  });
  const usage = JSON.parse(/"usage":(\{[^}]*\})/.exec(events)?.[1] ?? "{}") as {
    prompt_tokens: number;
    completion_tokens: number;
  };
  return {
    promptTokens: usage.prompt_tokens,
    ttftMs: first - start,
    genTokensPerSecond: ((usage.completion_tokens - 1) * 1000) / (last - first),
  };
}

/** Two field schemas: with free text (values dominate) and without (keys and quotes do). */
const SCHEMAS: Record<string, object> = {
  "paper (2 free-text fields)": {
    type: "object",
    properties: {
      title: { type: "string", maxLength: 48 },
      category: { enum: ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML"] },
      year: { type: "integer" },
      open_access: { type: "boolean" },
      venue: { type: "string", maxLength: 24 },
    },
  },
  "triage (enum, number, integer, boolean)": {
    type: "object",
    properties: {
      category: { enum: ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML"] },
      confidence: { type: "number" },
      pages: { type: "integer" },
      is_survey: { type: "boolean" },
      has_code: { type: "boolean" },
    },
  },
};

interface Structured {
  tokens: number;
  ms: number;
}

async function structuredRun(
  url: string,
  schema: object,
  type: "json_schema" | "headless",
  seed: number,
): Promise<Structured> {
  const start = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      messages: [{ role: "user", content: `Describe paper ${seed}: ${prompt.slice(0, 200)}` }],
      temperature: 0.8,
      seed,
      max_tokens: 400,
      response_format: { type, json_schema: { name: "paper", schema } },
    }),
  });
  const body = (await response.json()) as { usage: { completion_tokens: number } };
  return { tokens: body.usage.completion_tokens, ms: performance.now() - start };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function printRow(name: string, runs: Run[]): void {
  const ttft = median(runs.map((r) => r.ttftMs)).toFixed(2);
  const promptTps = median(runs.map((r) => (r.promptTokens * 1000) / r.ttftMs)).toFixed(0);
  const gen = median(runs.map((r) => r.genTokensPerSecond)).toFixed(1);
  console.log(
    `${name.padEnd(22)} prompt ${runs[0]?.promptTokens} tok  ${promptTps.padStart(7)} prompt tok/s  TTFT ${ttft.padStart(8)} ms  generation ${gen.padStart(8)} tok/s`,
  );
}

type Direct = (text: string, count: number) => Promise<Run>;

/** Alternating direct and HTTP runs of the same prompt, after one warm-up of each. */
interface Workload {
  readonly text: string;
  readonly count: number;
  readonly n: number;
}

async function paired(url: string, direct: Direct, { text, count, n }: Workload) {
  await direct(text, count);
  await httpRun(url, text, count);
  const d: Run[] = [];
  const h: Run[] = [];
  for (let i = 0; i < n; i++) {
    d.push(await direct(text, count));
    h.push(await httpRun(url, text, count));
  }
  return { d, h };
}

async function compareOverhead(url: string, direct: Direct): Promise<void> {
  const { d, h } = await paired(url, direct, { text: prompt, count: generate, n: rounds });
  printRow("node-llama-cpp direct", d);
  printRow("HTTP service (SSE)", h);
  const genRatio =
    median(h.map((r) => r.genTokensPerSecond)) / median(d.map((r) => r.genTokensPerSecond));
  console.log(`generation throughput HTTP/direct: ${genRatio.toFixed(3)} (target >= 0.95)`);
  // The added time to first token is a few milliseconds at most, far below the noise of
  // evaluating a long prompt on a busy machine, so it is measured apart: a short prompt and
  // one token, many rounds, each HTTP run right after its direct run (the same background
  // load), and the median of the per-round differences.
  const short = await paired(url, direct, { text: TTFT_PROMPT, count: 1, n: TTFT_ROUNDS });
  printRow("direct, short prompt", short.d);
  printRow("HTTP, short prompt", short.h);
  const added = median(short.h.map((r, i) => r.ttftMs - (short.d[i]?.ttftMs ?? NaN)));
  console.log(
    `added time to first token (short prompt, median of ${TTFT_ROUNDS} per-round differences): ${added.toFixed(2)} ms (target < 5 ms)`,
  );
}

async function compareFormats(url: string): Promise<void> {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const json: Structured[] = [];
    const headless: Structured[] = [];
    for (let seed = 1; seed <= rounds * 2; seed++) {
      json.push(await structuredRun(url, schema, "json_schema", seed));
      headless.push(await structuredRun(url, schema, "headless", seed));
    }
    const [jt, ht] = [mean(json.map((r) => r.tokens)), mean(headless.map((r) => r.tokens))];
    const [jms, hms] = [median(json.map((r) => r.ms)), median(headless.map((r) => r.ms))];
    console.log(
      `${name}, ${json.length} requests each: json ${jt.toFixed(1)} tokens ${jms.toFixed(1)} ms; headless ${ht.toFixed(1)} tokens ${hms.toFixed(1)} ms`,
    );
    console.log(
      `  headless/json output tokens: ${(ht / jt).toFixed(3)} (target <= 0.5), latency ${(hms / jms).toFixed(3)}`,
    );
  }
}

const direct = await directPeer();
const service = await startService();
try {
  console.log(
    `model ${model}, ${threads} thread(s), ${generate} generated tokens, ${rounds} rounds (medians); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  await compareOverhead(service.url, direct);
  await compareFormats(service.url);
} finally {
  service.stop();
}
process.exit(0);
