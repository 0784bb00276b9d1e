// The service as a process, the way it runs in a pod: SIGTERM stops accepting, lets the
// running generation finish, frees the model and exits 0.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { post, sseEvents, tiny } from "./support.js";

const MAIN = join(import.meta.dirname, "..", "src", "main.ts");

/** Starts `npm run llm`'s entry point on port 0; resolves with its URL once the model is loaded. */
async function spawnService(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "--model", tiny.model, "--port", "0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  // Keep reading stdout to the end: a closed pipe would fail the service's next log line.
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += String(chunk);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes("Model tiny-llama loaded")) resolve({ child, url });
    });
    child.on("exit", () => {
      reject(new Error(`the service exited before it was ready:\n${output}`));
    });
  });
}

describe("SIGTERM", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("when a generation is running, it completes with [DONE], then the process exits 0", async () => {
    const { child, url } = await spawnService();
    children.push(child);
    const response = await post(`${url}/v1/completions`, {
      prompt: "Title:",
      max_tokens: 1500,
      temperature: 0,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    const reader = response.body!.getReader();
    const first = await reader.read();

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const decoder = new TextDecoder();
    let body = decoder.decode(first.value as Uint8Array);
    for (let r = await reader.read(); !r.done; r = await reader.read())
      body += decoder.decode(r.value as Uint8Array);
    const [code] = (await exited) as [number | null];

    const events = sseEvents(body);
    expect(events.at(-1)).toBe("[DONE]");
    expect(JSON.parse(events.at(-2)!).usage.completion_tokens).toBe(1500);
    expect(code).toBe(0);
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });
});
