// /v1/classify and structured output on the project's tiny GGUF model: the grammar keeps
// every answer inside the label set or the field schema, whatever the weights say.
import { classifyResponseSchema, validateAgainstSchema } from "@kubetune/api";
import type { ClassifyResponse as ClassifyBody } from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS, postJson, startTiny } from "./support.js";
import type { TestService } from "./support.js";

const documents = [
  { id: "cv", text: "image segmentation with vision transformers" },
  { id: "cl", text: "question answering over scientific text" },
  { id: "ml", text: "bayesian inference with variational methods" },
  { id: "odd", text: 'ünïcödé, émojis 🚀 and | pipes "quotes"' },
];

describe.each([
  ["single-label", []],
  ["multi-label", ["--multi-label"]],
])("POST /v1/classify, %s", (problem, flags) => {
  let llm: TestService;
  beforeAll(async () => {
    llm = await startTiny(flags);
  });
  afterAll(async () => {
    await llm.service.stop();
  });

  it("when documents are sent, every answer is a configured label with a score in [0, 1]", async () => {
    const { status, body } = await postJson<ClassifyBody>(`${llm.url}/v1/classify`, {
      documents,
      topK: 5,
    });

    expect(status).toBe(200);
    expect(validateAgainstSchema(body, classifyResponseSchema).errors).toEqual([]);
    expect(body.results.map((r) => r.id)).toEqual(documents.map((d) => d.id));
    for (const result of body.results) {
      expect(LABELS).toContain(result.top);
      expect(result.labels[0]!.label).toBe(result.top);
      expect(result.labels.map((l) => l.label).sort()).toEqual([...LABELS].sort());
      expect(result.labels.every((l) => l.score >= 0 && l.score <= 1)).toBe(true);
      expect(result.labels.reduce((sum, l) => sum + l.score, 0)).toBeCloseTo(1, 5);
      expect(result.windows).toBe(1);
      if (problem === "multi-label") {
        expect(result.predicted!.length).toBeGreaterThan(0);
        expect(result.predicted!.every((label) => LABELS.includes(label))).toBe(true);
      } else expect(result.predicted).toBeUndefined();
    }
  });

  it("when a document is longer than the context, it is split into windows and still gets a label", async () => {
    const text = "graph neural networks for molecule property prediction. ".repeat(200);

    const { status, body } = await postJson<ClassifyBody>(`${llm.url}/v1/classify`, {
      documents: [{ id: "long", text }],
      topK: 2,
    });

    expect(status).toBe(200);
    expect(body.results[0]!.windows).toBeGreaterThan(1);
    expect(body.results[0]!.labels).toHaveLength(2);
    expect(LABELS).toContain(body.results[0]!.top);
  });
});

describe("classify input and structured output", () => {
  let llm: TestService;
  beforeAll(async () => {
    llm = await startTiny();
  });
  afterAll(async () => {
    await llm.service.stop();
  });

  it.each([
    ["no documents", { documents: [] }, 400],
    ["a document without text", { documents: [{ id: "a" }] }, 400],
    ["topK of 0", { documents: [{ id: "a", text: "x" }], topK: 0 }, 400],
    ["an unknown field", { documents: [{ id: "a", text: "x" }], extra: 1 }, 400],
    [
      "too many documents",
      { documents: Array.from({ length: 257 }, (_, i) => ({ id: `${i}`, text: "x" })) },
      413,
    ],
  ])("when the request has %s, answers %i with an error body", async (_case, body, want) => {
    const response = await postJson(`${llm.url}/v1/classify`, body);

    expect(response.status).toBe(want);
    expect(typeof response.body.error).toBe("string");
  });

  const schema = {
    type: "object",
    properties: {
      title: { type: "string", maxLength: 24 },
      category: { enum: LABELS },
      year: { type: "integer" },
      open_access: { type: "boolean" },
    },
  };

  async function extract(type: "json_schema" | "headless") {
    const { status, body } = await postJson<{
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    }>(`${llm.url}/v1/chat/completions`, {
      messages: [{ role: "user", content: "Title: low rank adaptation of large models, 2024" }],
      temperature: 0,
      max_tokens: 200,
      response_format: { type, json_schema: { name: "paper", schema } },
    });
    expect(status).toBe(200);
    expect(body.choices[0]!.finish_reason).toBe("stop");
    return {
      value: JSON.parse(body.choices[0]!.message.content) as Record<string, unknown>,
      tokens: body.usage.completion_tokens,
    };
  }

  it("when the same schema is asked as json and headless, both rebuild to objects of that schema", async () => {
    const json = await extract("json_schema");
    const headless = await extract("headless");

    for (const { value } of [json, headless]) {
      expect(Object.keys(value)).toEqual(["title", "category", "year", "open_access"]);
      expect(typeof value.title).toBe("string");
      expect((value.title as string).length).toBeLessThanOrEqual(24);
      expect(LABELS).toContain(value.category);
      expect(Number.isInteger(value.year)).toBe(true);
      expect(typeof value.open_access).toBe("boolean");
    }
  });
});

describe("classify on an adapter", () => {
  let base: TestService;
  let adapted: TestService;
  beforeAll(async () => {
    base = await startTiny();
    adapted = await startTiny(["--classify-adapter", "style"]);
  });
  afterAll(async () => {
    await base.service.stop();
    await adapted.service.stop();
  });

  it("when --classify-adapter names a loaded adapter, the scores come from the adapted model", async () => {
    const request = { documents: documents.slice(0, 2), topK: 5 };
    const scores = async (llm: TestService) => {
      const { body } = await postJson<ClassifyBody>(`${llm.url}/v1/classify`, request);
      return body.results.map((r) =>
        Object.fromEntries(r.labels.map((l) => [l.label, l.score.toFixed(6)])),
      );
    };

    expect(await scores(adapted)).not.toEqual(await scores(base));
  });
});
