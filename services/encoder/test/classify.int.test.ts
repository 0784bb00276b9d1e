// /v1/classify on the project's real models: answers, windows, aggregation, multi-label
// thresholds, micro-batching and the metrics that follow.
import type { ClassifyResponse } from "@kubetune/api";
import { classifyResponseSchema, validateAgainstSchema } from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planWindows, windowCount } from "../src/inference/windows.js";
import type { TestEncoder } from "./support.js";
import {
  corpus,
  heldOut,
  metricValue,
  metricsText,
  postJson,
  projectModels,
  startTestEncoder,
} from "./support.js";

const single = heldOut.filter((doc) => doc.labels.length === 1);
const pairs = heldOut.filter((doc) => doc.labels.length === 2);

/** A document of at least `tokens` words built from held-out abstracts of one category. */
function longDocument(label: string, words: number): string {
  const parts = corpus.filter((doc) => doc.labels.length === 1 && doc.labels[0] === label);
  const out: string[] = [];
  let count = 0;
  for (let i = 0; count < words; i++) {
    const text = parts[i % parts.length]!.text;
    out.push(text);
    count += text.split(/\s+/).length;
  }
  return out.join(" ");
}

function classify(encoder: TestEncoder, body: unknown) {
  return postJson<ClassifyResponse>(`${encoder.url}/v1/classify`, body);
}

describe("encoder /v1/classify with the single-label model", () => {
  let encoder: TestEncoder;
  let vote: TestEncoder;

  beforeAll(async () => {
    const { single: dir } = await projectModels();
    encoder = await startTestEncoder(
      dir,
      "--name",
      "arxiv",
      "--model-version",
      "v3",
      "--aggregation",
      "mean",
    );
    vote = await startTestEncoder(dir, "--name", "arxiv", "--aggregation", "vote");
  });
  afterAll(async () => {
    await encoder.stop();
    await vote.stop();
  });

  it("when given the held-out abstracts, labels at least 95% of them correctly", async () => {
    const reply = await postJson<ClassifyResponse>(`${encoder.url}/v1/classify`, {
      documents: single.map((doc) => ({ id: doc.id, text: doc.text })),
      topK: 2,
    });

    expect(reply.status).toBe(200);
    const correct = reply.body.results.filter((result, i) => result.top === single[i]!.labels[0]);
    expect(correct.length / single.length).toBeGreaterThanOrEqual(0.95);
    expect(reply.body.results.map((r) => r.id)).toEqual(single.map((doc) => doc.id));
  });

  it("when a document is clearly about one field, answers in the shared contract's shape with that label on top", async () => {
    const reply = await postJson<ClassifyResponse>(`${encoder.url}/v1/classify`, {
      documents: [
        {
          id: "cv",
          text: "We train a vision transformer for semantic segmentation of Cityscapes frames with pixel-level masks.",
        },
        {
          id: "cl",
          text: "A multilingual tokenizer and subword vocabulary improve machine translation of low-resource languages (BLEU score).",
        },
      ],
    });

    expect(reply.status).toBe(200);
    expect(validateAgainstSchema(reply.body, classifyResponseSchema).errors).toEqual([]);
    expect(reply.headers.get("x-kubetune-model-version")).toBe("v3");
    expect(reply.body).toMatchObject({ model: "arxiv", version: "v3" });
    expect(reply.body.results.map((r) => [r.top, r.windows, r.labels.length])).toEqual([
      ["cs.CV", 1, 3],
      ["cs.CL", 1, 3],
    ]);
    const scores = reply.body.results[0]!.labels.map((l) => l.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(reply.body.results[0]!.predicted).toBeUndefined();
  });

  it("when a document has 20,000+ tokens, classifies it whole in overlapping 512-token windows", async () => {
    const text = longDocument("cs.CV", 20_000);
    const tokensMetric = 'kubetune_encoder_tokens_total{model="arxiv",version="v3"}';
    const before = metricValue(await metricsText(encoder.url), tokensMetric);

    const body = { documents: [{ id: "long", text }] };
    const [mean, byVote] = await Promise.all([classify(encoder, body), classify(vote, body)]);

    const tokens = metricValue(await metricsText(encoder.url), tokensMetric) - before;
    const plan = planWindows(512, 2, 0.25);
    expect(tokens).toBeGreaterThan(20_000);
    expect(mean.body.results[0]).toMatchObject({
      top: "cs.CV",
      windows: windowCount(tokens, plan),
    });
    expect(byVote.body.results[0]).toMatchObject({
      top: "cs.CV",
      windows: windowCount(tokens, plan),
    });
  });

  it("when a long document is two-thirds one field and one-third another, both aggregations pick the majority field", async () => {
    const text = `${longDocument("cs.CL", 2_000)} ${longDocument("cs.LG", 1_000)}`;

    const body = { documents: [{ id: "mixed", text }] };
    const [mean, byVote] = await Promise.all([classify(encoder, body), classify(vote, body)]);

    for (const reply of [mean, byVote]) {
      const result = reply.body.results[0]!;
      expect(result.windows).toBeGreaterThan(3);
      expect(result.labels.slice(0, 2).map((l) => l.label)).toEqual(["cs.CL", "cs.LG"]);
    }
    // Mean scores are shared; the minority field keeps a real share of probability.
    expect(byVote.body.results[0]!.labels[1]!.score).toBeGreaterThan(0.15);
  });

  it("when many single-document requests arrive at once, runs them in batches larger than one", async () => {
    const batcher = await startTestEncoder(
      (await projectModels()).single,
      "--max-wait-ms",
      "25",
      "--max-batch-size",
      "8",
    );
    try {
      const before = await metricsText(batcher.url);
      const labels = 'model="single",version="1"';
      const runsBefore = metricValue(before, `kubetune_encoder_batch_size_count{${labels}}`);
      const windowsBefore = metricValue(before, `kubetune_encoder_batch_size_sum{${labels}}`);

      const replies = await Promise.all(
        single.slice(0, 16).map((doc) =>
          postJson<ClassifyResponse>(`${batcher.url}/v1/classify`, {
            documents: [{ id: doc.id, text: doc.text }],
          }),
        ),
      );

      const after = await metricsText(batcher.url);
      const runs = metricValue(after, `kubetune_encoder_batch_size_count{${labels}}`) - runsBefore;
      const windows =
        metricValue(after, `kubetune_encoder_batch_size_sum{${labels}}`) - windowsBefore;
      expect(replies.every((r) => r.status === 200)).toBe(true);
      expect(windows).toBe(16);
      expect(runs).toBeLessThan(16);
      expect(runs).toBeGreaterThanOrEqual(2);
    } finally {
      await batcher.stop();
    }
  });

  it("when requests succeed and fail, counts requests and documents by code", async () => {
    const labels = (code: number) => `{model="arxiv",version="v3",code="${code}"}`;
    const before = await metricsText(encoder.url);

    await postJson(`${encoder.url}/v1/classify`, {
      documents: [
        { id: "a", text: "graph neural networks" },
        { id: "b", text: "kernel methods" },
      ],
    });
    await postJson(`${encoder.url}/v1/classify`, { documents: [] });

    const after = await metricsText(encoder.url);
    const delta = (name: string, code: number) =>
      metricValue(after, name + labels(code)) - metricValue(before, name + labels(code));
    expect(delta("kubetune_encoder_requests_total", 200)).toBe(1);
    expect(delta("kubetune_encoder_documents_total", 200)).toBe(2);
    expect(delta("kubetune_encoder_requests_total", 400)).toBe(1);
    expect(delta("kubetune_encoder_request_duration_seconds_count", 200)).toBe(1);
    expect(metricValue(after, 'kubetune_encoder_model_loaded{model="arxiv",version="v3"}')).toBe(1);
    expect(
      metricValue(after, 'kubetune_encoder_tokens_total{model="arxiv",version="v3"}'),
    ).toBeGreaterThan(
      metricValue(before, 'kubetune_encoder_tokens_total{model="arxiv",version="v3"}'),
    );
  });
});

describe("encoder /v1/classify with the multi-label model", () => {
  let encoder: TestEncoder;
  let strict: TestEncoder;

  beforeAll(async () => {
    const { multi } = await projectModels();
    encoder = await startTestEncoder(multi, "--threshold", "0.5");
    strict = await startTestEncoder(multi, "--threshold", "0.999");
  });
  afterAll(async () => {
    await encoder.stop();
    await strict.stop();
  });

  it("when given held-out two-field abstracts, predicts exactly both fields for at least 90% of them", async () => {
    const reply = await postJson<ClassifyResponse>(`${encoder.url}/v1/classify`, {
      documents: pairs.map((doc) => ({ id: doc.id, text: doc.text })),
      topK: 6,
    });

    const exact = reply.body.results.filter(
      (r, i) =>
        JSON.stringify([...(r.predicted ?? [])].sort()) === JSON.stringify(pairs[i]!.labels),
    );
    expect(exact.length / pairs.length).toBeGreaterThanOrEqual(0.9);
  });

  it("when the threshold is higher, predicts only the labels whose scores reach it", async () => {
    const documents = pairs.slice(0, 12).map((doc) => ({ id: doc.id, text: doc.text }));

    const body = { documents, topK: 6 };
    const [loose, tight] = await Promise.all([classify(encoder, body), classify(strict, body)]);

    for (const [reply, threshold] of [
      [loose, 0.5],
      [tight, 0.999],
    ] as const) {
      for (const result of reply.body.results) {
        const want = result.labels.filter((l) => l.score >= threshold).map((l) => l.label);
        expect(result.predicted).toEqual(want);
      }
    }
    const count = (reply: typeof loose) =>
      reply.body.results.reduce((n, r) => n + (r.predicted?.length ?? 0), 0);
    expect(count(tight)).toBeLessThan(count(loose));
  });
});
