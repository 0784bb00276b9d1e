// `npm run images -- encoder` for real, then the pod's two steps run from the unpacked
// image: the init container's fetch-artifact puts the project's model (served by a local
// artifact server) into /models, and the entrypoint serves it.
import { readdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaticFiles } from "../../e2e/support/static-files.js";
import { serveFolder } from "../../e2e/support/static-files.js";
import { ensureModels } from "../../services/encoder/model-maker/ensure-models.js";
import { folderDigest } from "../../services/encoder/src/model/folder.js";
import type { BuiltFixture } from "./image-fixture.js";
import {
  MAX_IMAGE_BYTES,
  buildAndUnpack,
  freePort,
  isRoot,
  poll,
  runInRootfs,
  stop,
} from "./image-fixture.js";

let encoder: BuiltFixture;
let artifacts: StaticFiles;
let modelUrl: string;
let digest: string;

beforeAll(async () => {
  const { single } = await ensureModels();
  digest = await folderDigest(single);
  artifacts = await serveFolder(dirname(single));
  modelUrl = `${artifacts.url}/${basename(single)}/`;
  encoder = await buildAndUnpack("encoder");
});

afterAll(async () => {
  await artifacts.close();
  await rm(encoder.work, { recursive: true, force: true });
});

describe("the encoder image", () => {
  it("carries onnxruntime-node's and tokenizers' linux-x64 CPU binaries only, no model, under the limit", () => {
    const natives = encoder.files.filter((f) => f.endsWith(".node") || /\.so(\.\d+)*$/.test(f));
    const appNatives = natives.filter((f) => f.startsWith("app/"));

    expect(appNatives.sort()).toEqual([
      "app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1",
      "app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node",
      "app/node_modules/tokenizers/tokenizers.linux-x64-gnu.node",
    ]);
    expect(encoder.files.filter((f) => /cuda|tensorrt|cudnn|nvidia/i.test(f))).toEqual([]);
    expect(encoder.files.filter((f) => /\.(onnx|gguf|safetensors)$/.test(f))).toEqual([]);
    expect(encoder.files).toEqual(
      expect.arrayContaining(["app/main.js", "app/session-worker.js", "app/fetch-artifact.js"]),
    );
    expect(encoder.built.bytes).toBeLessThan(MAX_IMAGE_BYTES);
  });

  it.skipIf(!isRoot)(
    "when fetch-artifact fetches the model into /models, the entrypoint serves it and classifies",
    async () => {
      const { config } = encoder.image;
      const fetchStep = runInRootfs(
        encoder.rootfs,
        config,
        [
          "/app/fetch-artifact.js",
          "--uri",
          modelUrl,
          "--sha256",
          digest,
          "--dest",
          "/models/model",
        ],
        ["node"],
      );
      const fetched = await fetchStep.exited;
      expect({ fetched, logs: fetchStep.logs() }).toMatchObject({ fetched: 0 });
      expect((await readdir(join(encoder.rootfs, "models", "model"))).sort()).toEqual([
        "config.json",
        "model.onnx",
        "tokenizer.json",
      ]);

      // The image's environment names /models/model; only where to listen changes here.
      const port = await freePort();
      const running = runInRootfs(encoder.rootfs, config, [
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--digest",
        digest,
      ]);
      try {
        const ready = await poll(`http://127.0.0.1:${port}/v2/health/ready`, 60_000, 200);
        expect({ ready, logs: running.logs() }).toMatchObject({ ready: 200 });
        const reply = await fetch(`http://127.0.0.1:${port}/v1/classify`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            documents: [{ id: "1", text: "We prove a minimax lower bound for the estimator." }],
          }),
        });
        expect(reply.status).toBe(200);
        expect(((await reply.json()) as { results: unknown[] }).results).toHaveLength(1);
      } finally {
        await stop(running);
      }
    },
  );
});
