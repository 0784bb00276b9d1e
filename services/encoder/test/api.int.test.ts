// Bad input, the Open Inference Protocol v2 endpoints, and model folders that must not
// become ready, against real servers on the project's model.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderDigest } from "../src/model/folder.js";
import type { TestEncoder } from "./support.js";
import { getJson, heldOut, postJson, projectModels, startTestEncoder } from "./support.js";

const doc = (text: unknown, id = "d") => ({ id, text });

describe("encoder with bad input", () => {
  let encoder: TestEncoder;

  beforeAll(async () => {
    const { single } = await projectModels();
    encoder = await startTestEncoder(
      single,
      "--name",
      "arxiv",
      "--max-body-bytes",
      "4096",
      "--max-documents",
      "3",
    );
  });
  afterAll(async () => {
    await encoder.stop();
  });

  it.each([
    {
      name: "empty text",
      body: { documents: [doc("")] },
      wantStatus: 400,
      wantError: /documents\[0\]\.text is empty or whitespace only/,
    },
    {
      name: "whitespace-only text",
      body: { documents: [doc("ok"), doc(" \n\t ", "b")] },
      wantStatus: 400,
      wantError: /documents\[1\]\.text is empty or whitespace only \(id "b"\)/,
    },
    {
      name: "non-string text",
      body: { documents: [doc(42)] },
      wantStatus: 400,
      wantError: /documents\[0\]\.text/,
    },
    { name: "no documents", body: { documents: [] }, wantStatus: 400, wantError: /documents/ },
    {
      name: "missing documents",
      body: { topK: 2 },
      wantStatus: 400,
      wantError: /documents: Required value/,
    },
    {
      name: "too many documents",
      body: { documents: [doc("a"), doc("b"), doc("c"), doc("d")] },
      wantStatus: 400,
      wantError: /too many documents: 4, this server takes at most 3/,
    },
    {
      name: "topK out of range",
      body: { documents: [doc("a")], topK: 0 },
      wantStatus: 400,
      wantError: /topK/,
    },
    {
      name: "a body over the limit",
      body: { documents: [doc("x".repeat(5000))] },
      wantStatus: 413,
      wantError: /larger than the limit of 4096 bytes/,
    },
    { name: "invalid JSON", body: '{"documents": [', wantStatus: 400, wantError: /not valid JSON/ },
    { name: "a JSON array", body: "[1,2]", wantStatus: 400, wantError: /invalid classify request/ },
  ])(
    "when the request has $name, answers $wantStatus naming the problem",
    async ({ body, wantStatus, wantError }) => {
      const reply = await postJson<{ error: string }>(`${encoder.url}/v1/classify`, body);

      expect(reply.status).toBe(wantStatus);
      expect(reply.body.error).toMatch(wantError);
    },
  );

  it("when the content type is not JSON, answers 415 and still serves the next request", async () => {
    const response = await fetch(`${encoder.url}/v1/classify`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "classify me",
    });
    const body = (await response.json()) as { error: string };

    expect(response.status).toBe(415);
    expect(body.error).toMatch(/content-type must be application\/json, not "text\/plain"/);
    const next = await postJson(`${encoder.url}/v1/classify`, {
      documents: [doc("gradient descent")],
    });
    expect(next.status).toBe(200);
  });

  it("when the model name is unknown, answers 404 on metadata, readiness and infer", async () => {
    const meta = await getJson<{ error: string }>(`${encoder.url}/v2/models/other`);
    const ready = await getJson<{ error: string }>(`${encoder.url}/v2/models/other/ready`);
    const infer = await postJson<{ error: string }>(`${encoder.url}/v2/models/other/infer`, {
      inputs: [{ name: "text", datatype: "BYTES", shape: [1], data: ["x"] }],
    });

    for (const reply of [meta, ready, infer]) {
      expect(reply.status).toBe(404);
      expect(reply.body.error).toBe('unknown model "other"; this server serves "arxiv"');
    }
  });

  it.each([
    { name: "no inputs", body: {}, wantError: /inputs must be an array/ },
    {
      name: "a non-BYTES input",
      body: { inputs: [{ name: "text", datatype: "FP32", shape: [1], data: [1] }] },
      wantError: /datatype must be BYTES/,
    },
    {
      name: "a number among the texts",
      body: { inputs: [{ name: "text", datatype: "BYTES", shape: [2], data: ["a", 3] }] },
      wantError: /data\[1\] is not a string/,
    },
  ])(
    "when an infer request has $name, answers 400 naming the problem",
    async ({ body, wantError }) => {
      const reply = await postJson<{ error: string }>(`${encoder.url}/v2/models/arxiv/infer`, body);

      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatch(wantError);
    },
  );

  it("when a path does not exist, answers 404 with a JSON error", async () => {
    const reply = await getJson<{ error: string }>(`${encoder.url}/v1/nothing`);

    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/no route GET \/v1\/nothing/);
  });
});

describe("encoder Open Inference Protocol v2", () => {
  let encoder: TestEncoder;

  beforeAll(async () => {
    encoder = await startTestEncoder(
      (await projectModels()).single,
      "--name",
      "arxiv",
      "--model-version",
      "7",
    );
  });
  afterAll(async () => {
    await encoder.stop();
  });

  it("when the model is loaded, reports live, ready and the model's metadata", async () => {
    expect((await getJson(`${encoder.url}/v2/health/live`)).body).toEqual({ live: true });
    expect(await getJson(`${encoder.url}/v2/health/ready`)).toMatchObject({
      status: 200,
      body: { ready: true },
    });
    expect(await getJson(`${encoder.url}/v2/models/arxiv/ready`)).toMatchObject({ status: 200 });
    expect((await getJson(`${encoder.url}/v2/models/arxiv`)).body).toEqual({
      name: "arxiv",
      versions: ["7"],
      platform: "onnxruntime_onnx",
      inputs: [{ name: "text", datatype: "BYTES", shape: [-1] }],
      outputs: [
        { name: "label", datatype: "BYTES", shape: [-1] },
        { name: "probabilities", datatype: "FP32", shape: [-1, 6] },
      ],
    });
  });

  it("when texts are sent as a BYTES tensor, answers their labels and a probability row per text", async () => {
    const docs = heldOut.filter((d) => d.labels.length === 1).slice(0, 4);

    const reply = await postJson<{
      model_name: string;
      model_version: string;
      id: string;
      outputs: { name: string; shape: number[]; data: (string | number)[] }[];
    }>(`${encoder.url}/v2/models/arxiv/infer`, {
      id: "req-1",
      inputs: [
        { name: "text", datatype: "BYTES", shape: [docs.length], data: docs.map((d) => d.text) },
      ],
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ model_name: "arxiv", model_version: "7", id: "req-1" });
    const [label, probs] = reply.body.outputs;
    expect(label).toMatchObject({ name: "label", shape: [4], data: docs.map((d) => d.labels[0]) });
    expect(probs).toMatchObject({ name: "probabilities", shape: [4, 6] });
    const rowSums = [0, 1, 2, 3].map((row) =>
      (probs!.data.slice(row * 6, row * 6 + 6) as number[]).reduce((a, b) => a + b, 0),
    );
    for (const sum of rowSums) expect(sum).toBeCloseTo(1, 5);
  });
});

describe("encoder with a model folder it must not serve", () => {
  let scratch: string;
  let single: string;

  beforeAll(async () => {
    single = (await projectModels()).single;
    scratch = await mkdtemp(join(tmpdir(), "encoder-test-"));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function notReadyReason(encoder: TestEncoder): Promise<string> {
    const reply = await getJson<{ ready: boolean; reason: string }>(
      `${encoder.url}/v2/health/ready`,
    );
    expect(reply.status).toBe(503);
    expect((await getJson(`${encoder.url}/v2/health/live`)).status).toBe(200);
    const classify = await postJson<{ error: string }>(`${encoder.url}/v1/classify`, {
      documents: [doc("x")],
    });
    expect(classify.status).toBe(503);
    expect(classify.body.error).toContain(reply.body.reason);
    return reply.body.reason;
  }

  it("when the digest does not match, stays not ready and says both digests", async () => {
    const wrong = `sha256:${"0".repeat(64)}`;
    const encoder = await startTestEncoder(single, "--digest", wrong);
    try {
      expect(await notReadyReason(encoder)).toBe(
        `digest mismatch: expected ${wrong}, the model folder has ${await folderDigest(single)}`,
      );
    } finally {
      await encoder.stop();
    }
  });

  it("when the digest matches, becomes ready", async () => {
    const encoder = await startTestEncoder(
      `file://${single}`,
      "--digest",
      await folderDigest(single),
    );
    try {
      expect((await getJson(`${encoder.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await encoder.stop();
    }
  });

  it("when the model is served over http with its digest, downloads it and becomes ready", async () => {
    const files = createServer((req, res) => {
      const name = (req.url ?? "").replace("/models/arxiv/", "");
      readFile(join(single, name)).then(
        (data) => res.end(data),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    try {
      const encoder = await startTestEncoder(
        `${base}/models/arxiv/`,
        "--digest",
        await folderDigest(single),
      );
      const missing = await startTestEncoder(`${base}/elsewhere/`);
      try {
        expect((await getJson(`${encoder.url}/v2/health/ready`)).status).toBe(200);
        expect(await notReadyReason(missing)).toMatch(
          /fetching config.json from .*\/elsewhere\/: HTTP 404/,
        );
      } finally {
        await encoder.stop();
        await missing.stop();
      }
    } finally {
      files.close();
    }
  });

  it("when the folder is missing, stays not ready naming the missing file", async () => {
    const encoder = await startTestEncoder(join(scratch, "absent"));
    try {
      expect(await notReadyReason(encoder)).toMatch(/model folder .*absent has no config.json/);
    } finally {
      await encoder.stop();
    }
  });

  it("when model.onnx is corrupt, stays not ready saying the model cannot be loaded", async () => {
    const corrupt = join(scratch, "corrupt");
    await cp(single, corrupt, { recursive: true });
    await writeFile(join(corrupt, "model.onnx"), "not a protobuf at all");
    const encoder = await startTestEncoder(corrupt);
    try {
      expect(await notReadyReason(encoder)).toMatch(/^model.onnx cannot be loaded/);
    } finally {
      await encoder.stop();
    }
  });

  it("when config.json has no labels, stays not ready saying so", async () => {
    const broken = join(scratch, "no-labels");
    await cp(single, broken, { recursive: true });
    await writeFile(
      join(broken, "config.json"),
      JSON.stringify({ problem_type: "single_label_classification" }),
    );
    const encoder = await startTestEncoder(broken);
    try {
      expect(await notReadyReason(encoder)).toBe("config.json has no id2label");
    } finally {
      await encoder.stop();
    }
  });
});
