// The router in front of the real encoder and LLM services, each a process on 127.0.0.1
// running the project's models, exporting spans to a small OTLP receiver: the encoder's
// real answers, the cascade's three outcomes (escalated, budget-exhausted, llm-failed)
// and one trace across the three services. Nothing here is a stand-in.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLASSIFY_HEADERS, classifyResponseSchema, validateAgainstSchema } from "@kubetune/api";
import type { ClassifyResponse, RoutingTable } from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver } from "../../../e2e/support/otlp-receiver.js";
import type { OtlpReceiver } from "../../../e2e/support/otlp-receiver.js";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
import { heldOut, projectModels, startEncoderProcess } from "../../encoder/test/support.js";
import type { CorpusDocument } from "../../encoder/test/support.js";
import { startTinyProcess } from "../../llm/test/support.js";
import { startRouterProcess, tableFile } from "./harness.js";
import { tableDocument } from "./tables.js";

const ENCODER_VERSION = "ver-stable";

let collector: OtlpReceiver;
let encoder: ServiceProcess<string>;
let llm: ServiceProcess<string>;
let router: ServiceProcess<string>;
let dir: string;
let table: ReturnType<typeof tableFile>;
let labels: string[];
let generation = 0;

/** One held-out single-label document per label: text the encoder never trained on. */
function clearDocuments(): CorpusDocument[] {
  const single = heldOut.filter((doc) => doc.labels.length === 1);
  return labels.flatMap((label) => single.find((doc) => doc.labels[0] === label) ?? []);
}

async function startServices(single: string): Promise<void> {
  // Spans every 200 ms instead of the default 5 s, so the trace test waits less.
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: "200" };
  [encoder, llm] = await Promise.all([
    startEncoderProcess(single, [], env),
    startTinyProcess(["--labels", labels.join(",")], env),
  ]);
  table.write(cascadeTable("0.5", "1"));
  router = await startRouterProcess(table.path, env);
}

/** One encoder variant; unsure documents escalate to the LLM within the budget. */
function cascadeTable(threshold: string, maxRate: string): RoutingTable {
  return tableDocument([{ name: "stable", weight: 100, endpoints: [encoder.value] }], {
    generation: ++generation,
    cascade: {
      escalateTo: { modelVersion: "tiny-llama", version: "v1-llm", endpoints: [llm.value] },
      confidenceThreshold: threshold,
      maxEscalationRate: maxRate,
      window: "60s",
      timeout: "30s",
    },
  });
}

/** Writes the table and waits until the router process serves its generation. */
async function applyTable(threshold: string, maxRate: string): Promise<void> {
  const next = cascadeTable(threshold, maxRate);
  table.write(next);
  await expect
    .poll(
      async () =>
        ((await (await fetch(`${router.value}/v1/routes`)).json()) as RoutingTable).generation,
      { timeout: 10_000, interval: 50 },
    )
    .toBe(next.generation);
}

async function classify(documents: CorpusDocument[], headers: Record<string, string> = {}) {
  const response = await fetch(`${router.value}/v1/classify`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ documents: documents.map(({ id, text }) => ({ id, text })) }),
  });
  const body = (await response.json()) as ClassifyResponse;
  expect(validateAgainstSchema(body, classifyResponseSchema).errors).toEqual([]);
  return { status: response.status, headers: response.headers, body };
}

/** Successful /v1/classify requests the LLM process has answered, from its own metrics. */
async function llmClassifyRequests(): Promise<number> {
  const text = await (await fetch(`${llm.value}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("kubetune_llm_requests_total{"))
    .filter((line) => line.includes("classify") && line.includes('code="200"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

beforeAll(async () => {
  const { single } = await projectModels();
  const config = JSON.parse(readFileSync(join(single, "config.json"), "utf8")) as {
    id2label: Record<string, string>;
  };
  labels = Object.entries(config.id2label)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, label]) => label);
  collector = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), "kubetune-router-real-"));
  table = tableFile(dir);
  await startServices(single);
});

afterAll(async () => {
  // Each process we started, by its PID; the router first so nothing calls a stopped backend.
  for (const service of [router, encoder, llm] as (ServiceProcess<string> | undefined)[]) {
    await service?.stop();
  }
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the router with the real encoder and LLM", () => {
  it("when a clearly-typed document is classified, the encoder answers with its real label, in the contract, with variant and version headers", async () => {
    const documents = clearDocuments();

    const { status, headers, body } = await classify(documents);

    expect(documents.length).toBe(labels.length);
    expect(status).toBe(200);
    expect(headers.get(CLASSIFY_HEADERS.variant)).toBe("stable");
    expect(headers.get(CLASSIFY_HEADERS.modelVersion)).toBe(ENCODER_VERSION);
    expect(headers.get(CLASSIFY_HEADERS.escalated)).toBe("0");
    expect(body.results.map((r) => [r.id, r.top, r.escalated, r.escalation])).toEqual(
      documents.map((doc) => [doc.id, doc.labels[0], false, undefined]),
    );
  });

  it("when every encoder score is below the threshold and the budget allows, the real LLM answers every document from the label set", async () => {
    await applyTable("1", "1");
    const documents = clearDocuments();
    const llmBefore = await llmClassifyRequests();

    const { status, headers, body } = await classify(documents);

    expect(status).toBe(200);
    expect(headers.get(CLASSIFY_HEADERS.escalated)).toBe(String(documents.length));
    expect(await llmClassifyRequests()).toBe(llmBefore + 1);
    for (const result of body.results) {
      expect(result.escalated).toBe(true);
      expect(labels).toContain(result.top);
      expect(result.labels.every((l) => labels.includes(l.label))).toBe(true);
    }
  });

  it("when the escalation budget is spent, the encoder's answers come back marked budget-exhausted", async () => {
    await applyTable("1", "0.01");
    const documents = clearDocuments();
    const llmBefore = await llmClassifyRequests();

    const { status, headers, body } = await classify(documents);

    expect(status).toBe(200);
    expect(headers.get(CLASSIFY_HEADERS.escalated)).toBe("0");
    expect(await llmClassifyRequests()).toBe(llmBefore);
    expect(body.results.map((r) => [r.top, r.escalated, r.escalation])).toEqual(
      documents.map((doc) => [doc.labels[0], false, "budget-exhausted"]),
    );
  });

  it("when a request carries a traceparent, the router, encoder and LLM export spans in the caller's trace", async () => {
    await applyTable("1", "1");
    const traceId = randomBytes(16).toString("hex");
    const traceparent = `00-${traceId}-${randomBytes(8).toString("hex")}-01`;

    const { status, headers } = await classify(clearDocuments().slice(0, 1), { traceparent });

    expect(status).toBe(200);
    expect(headers.get(CLASSIFY_HEADERS.escalated)).toBe("1");
    // The services export in batches (every few seconds): wait for all three.
    await expect
      .poll(
        () =>
          new Set(
            collector
              .spans()
              .filter((s) => s.traceId === traceId)
              .map((s) => s.service),
          ),
        {
          timeout: 30_000,
          interval: 200,
        },
      )
      .toEqual(new Set(["kubetune-router", "kubetune-encoder", "kubetune-llm"]));
    const inTrace = collector.spans().filter((s) => s.traceId === traceId);
    const routerSpans = new Set(
      inTrace.filter((s) => s.service === "kubetune-router").map((s) => s.spanId),
    );
    // Each backend's span continues one of the router's (its upstream call), not a new root.
    for (const service of ["kubetune-encoder", "kubetune-llm"]) {
      const parents = inTrace.filter((s) => s.service === service).map((s) => s.parentSpanId);
      expect(
        parents.some((parent) => routerSpans.has(parent)),
        service,
      ).toBe(true);
    }
  });

  it("when the LLM process is stopped, the router still answers 200 with the encoder's answers marked llm-failed", async () => {
    await llm.stop();
    const documents = clearDocuments();

    const { status, headers, body } = await classify(documents);

    expect(llm.child.exitCode ?? llm.child.signalCode).not.toBeNull();
    await expect(fetch(`${llm.value}/v2/health/live`)).rejects.toThrow();
    expect(status).toBe(200);
    expect(headers.get(CLASSIFY_HEADERS.escalated)).toBe("0");
    expect(body.results.map((r) => [r.top, r.escalated, r.escalation])).toEqual(
      documents.map((doc) => [doc.labels[0], false, "llm-failed"]),
    );
  });
});
