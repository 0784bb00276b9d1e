// The encoder→LLM cascade over real backends: who escalates, the budget, and every way the
// LLM can fail, which must leave the encoder's answer in place, marked, never an error.
import type { ClassifyResponse } from "@kubetune/api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deadUrl, startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { classifyBody, startTestRouter } from "./harness.js";
import type { RouterUnderTest } from "./harness.js";
import { tableDocument } from "./tables.js";

let encoder: Backend;
let llm: Backend;
let generation = 1;

function cascadeTable(options: { maxRate?: string; llmUrl?: string; timeout?: string } = {}) {
  return tableDocument([{ name: "stable", weight: 100, endpoints: [encoder.url] }], {
    generation: generation++,
    cascade: {
      escalateTo: {
        modelVersion: "llama",
        version: "v1-llm",
        endpoints: [options.llmUrl ?? llm.url],
      },
      confidenceThreshold: "0.6",
      maxEscalationRate: options.maxRate ?? "1",
      window: "60s",
      timeout: options.timeout ?? "10s",
    },
  });
}

async function classify(router: RouterUnderTest, texts: string[]) {
  const response = await router.post("/v1/classify", classifyBody(texts));
  return {
    status: response.status,
    escalated: response.headers.get("x-kubetune-escalated"),
    body: (await response.json()) as ClassifyResponse,
  };
}

beforeAll(async () => {
  [encoder, llm] = await Promise.all([
    startBackend({ name: "encoder" }),
    startBackend({ name: "llm" }),
  ]);
});

afterAll(async () => {
  await Promise.all([encoder.close(), llm.close()]);
});

beforeEach(() => {
  llm.behaviour = "ok";
});

describe("the cascade", () => {
  it("when some documents score below the threshold, only those are answered by the LLM", async () => {
    const router = await startTestRouter(cascadeTable());
    const llmCallsBefore = llm.received.length;

    const { status, escalated, body } = await classify(router, [
      "sure",
      "unsure one",
      "sure",
      "unsure two",
    ]);
    await router.close();

    expect(status).toBe(200);
    expect(escalated).toBe("2");
    expect(body.results.map((r) => [r.id, r.top, r.escalated])).toEqual([
      ["d0", "encoder", false],
      ["d1", "llm", true],
      ["d2", "encoder", false],
      ["d3", "llm", true],
    ]);
    const llmCalls = llm.received.slice(llmCallsBefore);
    expect(llmCalls).toHaveLength(1);
    expect(JSON.parse(llmCalls[0]?.body ?? "")).toEqual({
      documents: [
        { id: "d1", text: "unsure one" },
        { id: "d3", text: "unsure two" },
      ],
      topK: 3,
    });
  });

  it("when every document is sure, the LLM is not called", async () => {
    const router = await startTestRouter(cascadeTable());
    const llmCallsBefore = llm.received.length;

    const { escalated, body } = await classify(router, ["sure", "sure"]);
    await router.close();

    expect(escalated).toBe("0");
    expect(body.results.every((r) => r.escalated === false)).toBe(true);
    expect(llm.received.length).toBe(llmCallsBefore);
  });

  it("when the budget is 20% and 10 documents include 5 unsure, escalates 2 and marks 3 over budget", async () => {
    const router = await startTestRouter(cascadeTable({ maxRate: "0.2" }));
    const texts = [
      "unsure",
      "sure",
      "unsure",
      "sure",
      "unsure",
      "sure",
      "unsure",
      "sure",
      "unsure",
      "sure",
    ];

    const { escalated, body } = await classify(router, texts);
    const skipped = await router.metric("kubetune_router_escalations_skipped_total", {
      reason: "budget-exhausted",
    });
    const escalations = await router.metric("kubetune_router_escalations_total");
    await router.close();

    expect(escalated).toBe("2");
    expect(body.results.filter((r) => r.escalated).length).toBe(2);
    expect(body.results.filter((r) => r.escalation === "budget-exhausted").length).toBe(3);
    expect([escalations, skipped]).toEqual([2, 3]);
  });

  it.each([
    ["the LLM answers 500", "error-json" as const],
    ["the LLM answers garbage", "garbage" as const],
    ["the LLM answers too few results", "wrong-count" as const],
    ["the LLM is slower than the timeout", "slow" as const],
  ])("when %s, returns the encoder answers marked llm-failed", async (_case, behaviour) => {
    llm.behaviour = behaviour;
    llm.delayMs = 1_500;
    const router = await startTestRouter(cascadeTable({ timeout: "300ms" }));

    const { status, escalated, body } = await classify(router, ["unsure", "sure"]);
    const failed = await router.metric("kubetune_router_escalations_skipped_total", {
      reason: "llm-failed",
    });
    await router.close();

    expect(status).toBe(200);
    expect(escalated).toBe("0");
    expect(body.results.map((r) => [r.top, r.escalated, r.escalation])).toEqual([
      ["encoder", false, "llm-failed"],
      ["encoder", false, undefined],
    ]);
    expect(failed).toBe(1);
  });

  it("when the LLM is down, returns the encoder answers marked llm-failed", async () => {
    const router = await startTestRouter(cascadeTable({ llmUrl: await deadUrl() }));

    const { status, body } = await classify(router, ["unsure"]);
    await router.close();

    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({
      top: "encoder",
      escalated: false,
      escalation: "llm-failed",
    });
  });
});
