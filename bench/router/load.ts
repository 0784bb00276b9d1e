// Load generators. Latency and split: an open-loop generator at a fixed rate (the same load
// for every target), timing each request. Throughput: wrk from Debian, one thread, a fixed
// number of connections for a fixed time.
import { execFile } from "node:child_process";
import { Agent, request } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const BODY = JSON.stringify({ model: "m", prompt: "hello", max_tokens: 1 });

export interface FixedRateResult {
  readonly latenciesMs: number[];
  readonly failed: number;
  readonly variants: Map<string, number>;
}

function once(agent: Agent, port: number): Promise<{ ms: number; ok: boolean; variant: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/v1/completions",
        agent,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        res.resume();
        res.once("end", () => {
          const variant = String(res.headers["x-kubetune-variant"] ?? "none");
          resolve({ ms: performance.now() - started, ok: res.statusCode === 200, variant });
        });
      },
    );
    req.once("error", () => {
      resolve({ ms: performance.now() - started, ok: false, variant: "error" });
    });
    req.end(BODY);
  });
}

/** Sends `total` requests at `rate` per second, whatever the answers' pace (open loop). */
export async function fixedRate(
  port: number,
  rate: number,
  total: number,
): Promise<FixedRateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const pending: Promise<{ ms: number; ok: boolean; variant: string }>[] = [];
  const start = performance.now();
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (pending.length < due) pending.push(once(agent, port));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const results = await Promise.all(pending);
  agent.destroy();
  const variants = new Map<string, number>();
  for (const r of results) variants.set(r.variant, (variants.get(r.variant) ?? 0) + 1);
  return {
    latenciesMs: results.map((r) => r.ms),
    failed: results.filter((r) => !r.ok).length,
    variants,
  };
}

export interface WrkResult {
  readonly rps: number;
  readonly failed: number;
}

/** wrk on `core`: requests per second at `connections` for `seconds`, and failures. */
export async function wrk(
  dir: string,
  port: number,
  options: { core: number; connections: number; seconds: number },
): Promise<WrkResult> {
  const script = join(dir, "post.lua");
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = '${BODY}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const { stdout } = await promisify(execFile)("taskset", [
    "-c",
    String(options.core),
    "wrk",
    "-t1",
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "-s",
    script,
    `http://127.0.0.1:${port}/v1/completions`,
  ]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, failed: non2xx + socketErrors };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
