// The encoder as a real process: --require-model, and SIGTERM with a request in flight.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import type { ClassifyResponse } from "@kubetune/api";
import { afterEach, describe, expect, it } from "vitest";
import { corpus, getJson, postJson, projectModels } from "./support.js";

const MAIN = join(import.meta.dirname, "..", "src", "main.ts");
const children: ChildProcess[] = [];

interface EncoderProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves with the port from the "Listening" log line. */
  port: Promise<number>;
  logs: string[];
}

function spawnEncoder(...args: string[]): EncoderProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--port", "0", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  const logs: string[] = [];
  const port = new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      logs.push(chunk);
      const match = /"msg":"Listening".*"port":(\d+)/.exec(chunk);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", () => {
      reject(new Error(`encoder exited before listening:\n${logs.join("")}`));
    });
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, port, logs };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

async function waitReady(url: string): Promise<void> {
  await expect
    .poll(async () => (await getJson(`${url}/v2/health/ready`)).status, {
      timeout: 30_000,
      interval: 100,
    })
    .toBe(200);
}

describe("encoder process", () => {
  it("when the model folder is missing and --require-model is set, exits 1 saying why", async () => {
    const encoder = spawnEncoder("--model", "/nonexistent/model", "--require-model");

    expect(await encoder.exited).toBe(1);
    expect(encoder.logs.join("")).toMatch(/"msg":"Model not loaded".*has no config.json/);
  });

  it("when the model folder is missing without --require-model, stays up and not ready", async () => {
    const encoder = spawnEncoder("--model", "/nonexistent/model");
    const url = `http://127.0.0.1:${await encoder.port}`;

    await expect
      .poll(
        async () =>
          (await getJson<{ reason?: string }>(`${url}/v2/health/ready`)).body.reason ?? "",
        { timeout: 30_000 },
      )
      .toMatch(/has no config.json/);
    expect((await getJson(`${url}/v2/health/live`)).status).toBe(200);
    encoder.child.kill("SIGTERM");
    expect(await encoder.exited).toBe(0);
  });

  it("when SIGTERM arrives with a request in flight, finishes that request, refuses new ones and exits 0", async () => {
    const encoder = spawnEncoder("--model", (await projectModels()).single);
    const url = `http://127.0.0.1:${await encoder.port}`;
    await waitReady(url);
    // A long document keeps the request busy for a while (hundreds of windows).
    const text = corpus
      .map((d) => d.text)
      .join(" ")
      .repeat(3);

    const inFlight = postJson<ClassifyResponse>(`${url}/v1/classify`, {
      documents: [{ id: "long", text }],
    });
    let answered = false;
    void inFlight.finally(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    encoder.child.kill("SIGTERM");
    await expect.poll(() => encoder.logs.join("").includes("Stopping")).toBe(true);
    // The signal really did arrive while the request was being answered.
    expect(answered).toBe(false);

    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body.results[0]!.windows).toBeGreaterThan(100);
    expect(await encoder.exited).toBe(0);
  });
});
