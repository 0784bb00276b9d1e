// The OpenAI-compatible endpoints on the project's tiny GGUF model: real llama.cpp loading
// and generation, through real HTTP on port 0.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLlama } from "../src/engine/llama-engine.js";
import { corpusLines } from "../src/tiny-model/corpus.js";
import { tokenize } from "../src/tiny-model/train.js";
import { buildVocab } from "../src/tiny-model/vocab.js";
import { LABELS, metric, post, postJson, sseEvents, startTiny, tiny } from "./support.js";
import type { TestService } from "./support.js";

let llm: TestService;
beforeAll(async () => {
  llm = await startTiny();
});
afterAll(async () => {
  await llm.service.stop();
});

interface Completion {
  model: string;
  choices: { text?: string; message?: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const complete = (body: Record<string, unknown>) =>
  postJson<Completion>(`${llm.url}/v1/completions`, body);
const chat = (body: Record<string, unknown>) =>
  postJson<Completion>(`${llm.url}/v1/chat/completions`, body);
const greedy = { temperature: 0, ignore_eos: true };

describe("POST /v1/completions", () => {
  it("when max_tokens is reached, returns that many tokens with usage and finish_reason length", async () => {
    const { status, body } = await complete({
      prompt: "Title: a study of",
      max_tokens: 12,
      ...greedy,
    });

    expect(status).toBe(200);
    expect(body.model).toBe("tiny-llama");
    expect(body.choices[0]!.finish_reason).toBe("length");
    expect(body.usage.completion_tokens).toBe(12);
    expect(body.usage.prompt_tokens).toBeGreaterThan(1);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 12);
  });

  it("when temperature is 0, the same prompt gives the same text", async () => {
    const a = await complete({ prompt: "Title: deep", max_tokens: 16, ...greedy });
    const b = await complete({ prompt: "Title: deep", max_tokens: 16, ...greedy });

    expect(a.body.choices[0]!.text).toBe(b.body.choices[0]!.text);
  });

  it("when sampling with a seed, the same seed repeats the text and other seeds vary it", async () => {
    const run = (seed: number) =>
      complete({ prompt: "Title:", max_tokens: 24, temperature: 1.5, seed, ignore_eos: true }).then(
        (r) => r.body.choices[0]!.text,
      );

    const first = await run(7);
    const again = await run(7);
    const others = await Promise.all([1, 2, 3].map(run));

    expect(again).toBe(first);
    expect(others.some((text) => text !== first)).toBe(true);
  });

  it("when a stop sequence occurs in the output, cuts before it with finish_reason stop", async () => {
    const full = (await complete({ prompt: "Title: deep", max_tokens: 24, ...greedy })).body
      .choices[0]!.text!;
    const stop = full.slice(6, 9);

    const { body } = await complete({
      prompt: "Title: deep",
      max_tokens: 24,
      stop: [stop],
      ...greedy,
    });

    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(body.choices[0]!.text).toBe(full.slice(0, full.indexOf(stop)));
    expect(body.usage.completion_tokens).toBeLessThan(24);
  });

  it("when the prompt is longer than the context, answers 400 naming both sizes", async () => {
    const { status, body } = await postJson(`${llm.url}/v1/completions`, {
      prompt: "deep learning ".repeat(2400),
      max_tokens: 4,
    });

    expect(status).toBe(400);
    expect(body.error).toMatch(/the prompt is \d+ tokens; the context holds 2048/);
  });
});

describe("the trained tiny model", () => {
  it("when llama.cpp tokenizes the corpus, it gets the tokens the model was fitted on", async () => {
    const vocab = buildVocab(corpusLines(), 200);
    const llama = await loadLlama();
    const model = await llama.loadModel({ modelPath: tiny.model, vocabOnly: true });
    try {
      for (const line of corpusLines()) {
        const title = line.split("\n")[0]!;
        expect(model.tokenize(title)).toEqual(tokenize(vocab, title, true));
      }
    } finally {
      await model.dispose();
    }
  });

  it("when prompted like its corpus, greedy decoding continues with a category and stops", async () => {
    const { body } = await complete({
      prompt: "Title: depth estimation from a single image\nCategory:",
      max_tokens: 16,
      temperature: 0,
    });

    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(LABELS).toContain(body.choices[0]!.text!.trim());
  });
});

describe("POST /v1/chat/completions", () => {
  it("when messages are sent, answers an assistant message with usage", async () => {
    const { status, body } = await chat({
      messages: [
        { role: "system", content: "You classify papers." },
        { role: "user", content: "Title: image segmentation" },
      ],
      max_tokens: 8,
      ...greedy,
    });

    expect(status).toBe(200);
    expect(body.choices[0]!.message!.role).toBe("assistant");
    expect(body.usage.completion_tokens).toBe(8);
  });

  it("when streaming, sends role, content deltas, a finish chunk, usage and [DONE] that add up to the non-streamed text", async () => {
    const request = { messages: [{ role: "user", content: "hello" }], max_tokens: 10, ...greedy };
    const whole = (await chat(request)).body.choices[0]!.message!.content;

    const response = await post(`${llm.url}/v1/chat/completions`, {
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = sseEvents(await response.text());
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));

    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(events.at(-1)).toBe("[DONE]");
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    const text = chunks
      .flatMap((c) =>
        c.choices.map((ch: { delta: { content?: string } }) => ch.delta.content ?? ""),
      )
      .join("");
    expect(text).toBe(whole);
    expect(chunks.at(-2).choices[0].finish_reason).toBe("length");
    expect(chunks.at(-1).usage.completion_tokens).toBe(10);
  });

  it("when a text completion streams, its chunks are text_completion objects ending in [DONE]", async () => {
    const response = await post(`${llm.url}/v1/completions`, {
      prompt: "Title:",
      max_tokens: 5,
      stream: true,
      ...greedy,
    });
    const events = sseEvents(await response.text());

    expect(events.at(-1)).toBe("[DONE]");
    expect(events.slice(0, -1).map((e) => JSON.parse(e).object)).toEqual(
      Array(events.length - 1).fill("text_completion"),
    );
  });

  it("when the adapter is selected by name, it answers as <base>:<adapter> and changes the greedy output", async () => {
    const request = {
      messages: [{ role: "user", content: "Title: graph networks" }],
      max_tokens: 16,
      ...greedy,
    };

    const base = await chat(request);
    const adapted = await chat({ ...request, model: "tiny-llama:style" });

    expect(adapted.status).toBe(200);
    expect(adapted.body.model).toBe("tiny-llama:style");
    expect(adapted.body.choices[0]!.message!.content).not.toBe(
      base.body.choices[0]!.message!.content,
    );
  });

  it("when requests are served, the token and request metrics count them by model and adapter", async () => {
    const sample = 'kubetune_llm_completion_tokens_total{model="tiny-llama",adapter="style"}';
    const before = await metric(llm.url, sample);

    await chat({
      model: "tiny-llama:style",
      messages: [{ role: "user", content: "x" }],
      max_tokens: 3,
      ...greedy,
    });

    expect(await metric(llm.url, sample)).toBe(before + 3);
    expect(
      await metric(
        llm.url,
        'kubetune_llm_requests_total{endpoint="/v1/chat/completions",model="tiny-llama",adapter="style",code="200"}',
      ),
    ).toBeGreaterThan(0);
    expect(
      await metric(
        llm.url,
        'kubetune_llm_time_to_first_token_seconds_count{model="tiny-llama",adapter="style"}',
      ),
    ).toBeGreaterThan(0);
  });
});

describe("models", () => {
  it("when listed, GET /v1/models names the base and every adapter", async () => {
    const body = (await (await fetch(`${llm.url}/v1/models`)).json()) as { data: { id: string }[] };

    expect(body.data.map((m) => m.id)).toEqual(["tiny-llama", "tiny-llama:style"]);
  });

  it("when asked, the OIP v2 endpoints report live, ready and the model's metadata", async () => {
    const live = await fetch(`${llm.url}/v2/health/live`);
    const ready = await fetch(`${llm.url}/v2/health/ready`);
    const meta = (await (await fetch(`${llm.url}/v2/models/tiny-llama`)).json()) as Record<
      string,
      unknown
    >;

    expect([live.status, ready.status]).toEqual([200, 200]);
    expect(meta).toMatchObject({ name: "tiny-llama", platform: "llama.cpp/llama" });
    expect((await fetch(`${llm.url}/v2/models/nope`)).status).toBe(404);
  });
});

describe("parallel sequences", () => {
  let parallel: TestService;
  beforeAll(async () => {
    parallel = await startTiny(["--parallel", "2"]);
  });
  afterAll(async () => {
    await parallel.service.stop();
  });

  it("when two greedy requests run at once on two sequences, each gets what it gets alone", async () => {
    const ask = (prompt: string) =>
      postJson<Completion>(`${parallel.url}/v1/completions`, {
        prompt,
        max_tokens: 32,
        ...greedy,
      }).then((r) => r.body.choices[0]!.text);
    const alone = [await ask("Title: graph"), await ask("Title: image")];

    const together = await Promise.all([ask("Title: graph"), ask("Title: image")]);

    expect(together).toEqual(alone);
    expect(alone[0]).not.toBe(alone[1]);
  });
});

describe("Triton generate extension", () => {
  it("when /v2/models/:name/generate is called, answers text_output equal to the same completion", async () => {
    const parameters = { max_tokens: 12, ...greedy };
    const completion = await complete({ prompt: "Title: deep", ...parameters });

    const { status, body } = await postJson(`${llm.url}/v2/models/tiny-llama:style/generate`, {
      text_input: "Title: deep",
      parameters,
    });
    const base = await postJson(`${llm.url}/v2/models/tiny-llama/generate`, {
      text_input: "Title: deep",
      parameters,
    });

    expect(status).toBe(200);
    expect(body).toMatchObject({
      model_name: "tiny-llama:style",
      model_version: "unversioned",
      finish_reason: "length",
    });
    expect(base.body.text_output).toBe(completion.body.choices[0]!.text);
  });

  it("when generate_stream is called, sends text_output deltas that add up to the whole text, without [DONE]", async () => {
    const request = { text_input: "Title: deep", parameters: { max_tokens: 12, ...greedy } };
    const whole = (await postJson(`${llm.url}/v2/models/tiny-llama/generate`, request)).body
      .text_output;

    const response = await post(`${llm.url}/v2/models/tiny-llama/generate_stream`, request);
    const events = sseEvents(await response.text()).map(
      (e) => JSON.parse(e) as { text_output: string; finish_reason?: string },
    );

    expect(events.map((e) => e.text_output).join("")).toBe(whole);
    expect(events.at(-1)!.finish_reason).toBe("length");
  });

  it("when the model or parameters are wrong, answers 404 or 400 with an error body", async () => {
    const unknown = await postJson(`${llm.url}/v2/models/nope/generate`, { text_input: "x" });
    const bad = await postJson(`${llm.url}/v2/models/tiny-llama/generate`, {
      text_input: "x",
      parameters: [],
    });

    expect([unknown.status, bad.status]).toEqual([404, 400]);
    expect(typeof unknown.body.error).toBe("string");
  });
});
