// The service as a process, the way it runs in a pod: SIGTERM stops accepting, lets the
// running generation finish, frees the model and exits 0.
import { afterAll, describe, expect, it } from "vitest";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
import { post, sseEvents, startTinyProcess } from "./support.js";

describe("SIGTERM", () => {
  const started: ServiceProcess<string>[] = [];
  afterAll(async () => {
    for (const service of started) await service.stop();
  });

  it("when a generation is running, it completes with [DONE], then the process exits 0", async () => {
    const service = await startTinyProcess();
    started.push(service);
    const url = service.value;
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

    process.kill(service.pid, "SIGTERM");
    const decoder = new TextDecoder();
    let body = decoder.decode(first.value as Uint8Array);
    for (let r = await reader.read(); !r.done; r = await reader.read())
      body += decoder.decode(r.value as Uint8Array);
    const code = await service.exited;

    const events = sseEvents(body);
    expect(events.at(-1)).toBe("[DONE]");
    expect(JSON.parse(events.at(-2)!).usage.completion_tokens).toBe(1500);
    expect(code).toBe(0);
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });
});
