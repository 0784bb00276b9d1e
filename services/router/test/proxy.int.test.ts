// OpenAI pass-through, shadow traffic and hot reload, over real backends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadUrl, startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { classifyBody, startTestRouter } from "./harness.js";
import { tableDocument } from "./tables.js";

let stable: Backend;
let shadow: Backend;
let candidate: Backend;

beforeAll(async () => {
  [stable, shadow, candidate] = await Promise.all([
    startBackend({ name: "stable" }),
    startBackend({ name: "shadow" }),
    startBackend({ name: "candidate" }),
  ]);
});

afterAll(async () => {
  await Promise.all([stable, shadow, candidate].map((b) => b.close()));
});

describe("OpenAI pass-through", () => {
  it("when a chat completion streams, the first event arrives before the backend has finished", async () => {
    const router = await startTestRouter(
      tableDocument([{ name: "stable", weight: 100, endpoints: [stable.url] }]),
    );

    const response = await router.post("/v1/chat/completions", { stream: true, messages: [] });
    const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const first = new TextDecoder().decode((await reader.read()).value);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    await router.close();

    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("x-kubetune-variant")).toBe("stable");
    expect(first).toContain('"t0"');
    expect(first).not.toContain("[DONE]");
    expect(rest).toContain('"t4"');
    expect(rest).toContain("[DONE]");
  });

  it("when a completion is not streamed, relays the backend's JSON and status", async () => {
    const router = await startTestRouter(
      tableDocument([{ name: "stable", weight: 100, endpoints: [stable.url] }]),
    );

    const response = await router.post("/v1/completions?trace=1", { prompt: "p" });
    const body = await response.json();
    await router.close();

    expect(response.status).toBe(200);
    expect(body).toEqual({ object: "text_completion", model: "stable", choices: [{ text: "ok" }] });
    expect(stable.received.at(-1)?.path).toBe("/v1/completions?trace=1");
  });
});

describe("mirroring", () => {
  const mirrored = (endpoints: string[]) =>
    tableDocument(
      [
        { name: "stable", weight: 100, endpoints: [stable.url] },
        { name: "shadow", weight: 0, endpoints },
      ],
      { mirror: { variant: "shadow", percent: 100 } },
    );

  it("when the shadow is slow, the primary answers before the shadow does, and the shadow is recorded later", async () => {
    shadow.behaviour = "slow";
    shadow.delayMs = 1_000;
    const router = await startTestRouter(mirrored([shadow.url]));
    const shadowCallsBefore = shadow.received.length;

    const response = await router.post("/v1/classify", classifyBody(["x"]));
    await response.arrayBuffer();
    const mirrorsAtAnswer = await router.metric("kubetune_router_mirror_requests_total");

    expect(response.status).toBe(200);
    expect(response.headers.get("x-kubetune-variant")).toBe("stable");
    expect(mirrorsAtAnswer).toBe(0);
    await expect
      .poll(() => router.metric("kubetune_router_mirror_requests_total", { code: "200" }))
      .toBe(1);
    expect(shadow.received.length - shadowCallsBefore).toBe(1);
    expect(shadow.received.at(-1)?.body).toBe(JSON.stringify(classifyBody(["x"])));
    await router.close();
    shadow.behaviour = "ok";
  });

  it("when the shadow is down, the primary still answers and the failure is recorded", async () => {
    const router = await startTestRouter(mirrored([await deadUrl()]));

    const response = await router.post("/v1/completions", { prompt: "p" });
    await response.arrayBuffer();

    expect(response.status).toBe(200);
    await expect
      .poll(() => router.metric("kubetune_router_mirror_requests_total", { code: "0" }))
      .toBe(1);
    await router.close();
  });
});

describe("hot reload", () => {
  it("when a variant's endpoints change 10 times during 600 requests, none fails", async () => {
    const table = (generation: number) =>
      tableDocument(
        [
          {
            name: "stable",
            weight: 100,
            endpoints: [generation % 2 === 0 ? stable.url : candidate.url],
          },
        ],
        { generation },
      );
    const router = await startTestRouter(table(1));
    let sent = 0;
    const statuses: number[] = [];
    const worker = async () => {
      while (sent < 600) {
        sent++;
        const response = await router.post("/v1/classify", classifyBody(["x"]));
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    for (let generation = 2; generation <= 11; generation++)
      await router.applyTable(table(generation));
    await load;
    await router.close();

    expect(statuses).toHaveLength(600);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("when the table changes 10 times during 600 requests, none fails and the last weights apply", async () => {
    const table = (generation: number, candidateWeight: number) =>
      tableDocument(
        [
          { name: "stable", weight: 100 - candidateWeight, endpoints: [stable.url] },
          { name: "candidate", weight: candidateWeight, endpoints: [candidate.url] },
        ],
        { generation },
      );
    const router = await startTestRouter(table(1, 0));
    let sent = 0;
    const statuses: number[] = [];
    const worker = async () => {
      while (sent < 600) {
        sent++;
        const response = await router.post("/v1/classify", classifyBody(["x"]));
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    for (let generation = 2; generation <= 11; generation++) {
      await router.applyTable(table(generation, generation === 11 ? 100 : generation * 5));
    }
    await load;
    const after = await router.post("/v1/classify", classifyBody(["x"]));
    await after.arrayBuffer();
    await router.close();

    expect(statuses).toHaveLength(600);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(after.headers.get("x-kubetune-variant")).toBe("candidate");
    expect(after.headers.get("x-kubetune-generation")).toBe("11");
  });
});
