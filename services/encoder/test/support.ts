// What the encoder's integration suites share: the project's models, held-out documents
// from the corpus, and an encoder started in-process on a random port.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServiceProcess } from "../../../e2e/support/service-process.js";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
import type { ProjectModels } from "../model-maker/ensure-models.js";
import { CORPUS_FILE, ensureModels } from "../model-maker/ensure-models.js";
import { parseConfig } from "../src/config.js";
import type { RunningEncoder } from "../src/server.js";
import { startEncoder } from "../src/server.js";

export interface CorpusDocument {
  id: string;
  labels: string[];
  text: string;
  split: "train" | "test";
}

export const corpus: CorpusDocument[] = readFileSync(CORPUS_FILE, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as CorpusDocument);

export const heldOut = corpus.filter((doc) => doc.split === "test");

let models: Promise<ProjectModels> | undefined;
/** The project's models, trained on first use on this machine and cached after. */
export function projectModels(): Promise<ProjectModels> {
  models ??= ensureModels();
  return models;
}

export interface TestEncoder extends RunningEncoder {
  url: string;
  logs: string[];
}

export async function startTestEncoder(model: string, ...flags: string[]): Promise<TestEncoder> {
  const logs: string[] = [];
  const logger = {
    info: (fields: Record<string, unknown>, message: string) =>
      logs.push(`${message} ${JSON.stringify(fields)}`),
    error: (fields: Record<string, unknown>, message: string) =>
      logs.push(`${message} ${JSON.stringify(fields)}`),
  };
  const encoder = await startEncoder(
    parseConfig(["--model", model, "--port", "0", ...flags]),
    logger,
  );
  await encoder.loaded;
  return { ...encoder, url: `http://127.0.0.1:${encoder.port}`, logs };
}

/**
 * `npm run encoder`'s entry point as a process on 127.0.0.1:0; its value is its base URL
 * once the model is ready.
 */
export function startEncoderProcess(
  model: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<ServiceProcess<string>> {
  return startServiceProcess({
    name: "encoder",
    main: join(import.meta.dirname, "..", "src", "main.ts"),
    args: ["--model", model, "--port", "0", ...flags],
    env,
    ready: (output) => {
      const port = /"msg":"Listening".*"port":(\d+)/.exec(output)?.[1];
      return port !== undefined && output.includes('"msg":"Model ready"')
        ? `http://127.0.0.1:${port}`
        : undefined;
    },
    deadlineMs: 90_000,
  });
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function postJson<T = unknown>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

export async function getJson<T = unknown>(url: string): Promise<Reply<T>> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** The value of one sample in Prometheus text, e.g. metricValue(text, 'x_total{code="200"}'). */
export function metricValue(text: string, sample: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

export async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}
