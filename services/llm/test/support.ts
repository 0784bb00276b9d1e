// What the LLM service suites share: the project's tiny model (built into the user cache
// once), a service on port 0 around it, and small HTTP helpers.
import { join } from "node:path";
import { startServiceProcess } from "../../../e2e/support/service-process.js";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
import { parseConfig } from "../src/config.js";
import type { ServiceConfig } from "../src/config.js";
import { startService } from "../src/service.js";
import type { RunningService } from "../src/service.js";
import { ensureTinyModel } from "../src/tiny-model/build.js";

export const tiny = ensureTinyModel();
export const LABELS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML"];

export interface TestService {
  service: RunningService;
  url: string;
}

/** The tiny model with its adapter as `tiny-llama:style`, on port 0, loaded. */
export async function startTiny(
  flags: string[] = [],
  overrides: Partial<ServiceConfig> = {},
): Promise<TestService> {
  const config = parseConfig([
    "--model",
    tiny.model,
    "--adapter",
    `style=${tiny.adapter}`,
    "--port",
    "0",
    ...flags,
  ]);
  const service = await startService({ ...config, ...overrides });
  await service.loaded;
  return { service, url: `http://127.0.0.1:${service.port}` };
}

/**
 * `npm run llm`'s entry point on the tiny model as a process on 127.0.0.1:0; its value is
 * its base URL once the model is loaded.
 */
export function startTinyProcess(
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<ServiceProcess<string>> {
  return startServiceProcess({
    name: "llm",
    main: join(import.meta.dirname, "..", "src", "main.ts"),
    args: ["--model", tiny.model, "--port", "0", ...flags],
    env,
    ready: (output) => {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      return url !== undefined && output.includes(" loaded\n") ? url : undefined;
    },
    deadlineMs: 90_000,
  });
}

export async function post(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body it expects
export async function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
): Promise<{ status: number; body: T }> {
  const response = await post(url, body);
  return { status: response.status, body: (await response.json()) as T };
}

/** The `data:` payloads of an SSE body, in order. */
export function sseEvents(text: string): string[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      if (!block.startsWith("data: ")) throw new Error(`not an SSE data event: ${block}`);
      return block.slice("data: ".length);
    });
}

/** The value of one Prometheus sample line, 0 when absent. */
export async function metric(url: string, sample: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
