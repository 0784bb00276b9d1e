// `npm run images -- llm` for real, then the pod's two steps run from the unpacked image:
// fetch-artifact puts the project's tiny GGUF (served by a local artifact server) into
// /models, and the entrypoint loads it with llama.cpp's CPU build and generates.
import { copyFile, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaticFiles } from "../../e2e/support/static-files.js";
import { serveFolder } from "../../e2e/support/static-files.js";
import { sha256File } from "../../services/llm/src/source.js";
import { ensureTinyModel } from "../../services/llm/src/tiny-model/build.js";
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

let llm: BuiltFixture;
let artifacts: StaticFiles;
let modelUrl: string;
let digest: string;
let labels: string;

beforeAll(async () => {
  const tiny = ensureTinyModel();
  digest = `sha256:${await sha256File(tiny.model)}`;
  labels = tiny.model.replace(/\.gguf$/, ".json");
  artifacts = await serveFolder(dirname(tiny.model));
  modelUrl = `${artifacts.url}/${basename(tiny.model)}`;
  llm = await buildAndUnpack("llm");
});

afterAll(async () => {
  await artifacts.close();
  await rm(llm.work, { recursive: true, force: true });
});

describe("the LLM image", () => {
  it("carries llama.cpp's linux-x64 CPU build only, no model and no llama.cpp sources, under the limit", () => {
    const packages = new Set(
      llm.files
        .filter((f) => f.startsWith("app/node_modules/@node-llama-cpp/"))
        .map((f) => f.split("/")[3]),
    );

    expect([...packages]).toEqual(["linux-x64"]);
    // node-llama-cpp keeps one-line `bins/_<gpu build>.moved.txt` notes; no library of a GPU build.
    const libraries = llm.files.filter((f) => /\.(so(\.\d+)*|node|dll|dylib)$/.test(f));
    expect(libraries.filter((f) => /cuda|vulkan|cublas|nvidia|metal/i.test(f))).toEqual([]);
    expect(
      llm.files.filter((f) => /\.(onnx|gguf|safetensors)$|gitRelease\.bundle$/.test(f)),
    ).toEqual([]);
    expect(llm.built.bytes).toBeLessThan(MAX_IMAGE_BYTES);
  });

  it.skipIf(!isRoot)(
    "when fetch-artifact fetches the GGUF into /models, the entrypoint loads it and completes",
    async () => {
      const { config } = llm.image;
      const fetchStep = runInRootfs(
        llm.rootfs,
        config,
        [
          "/app/fetch-artifact.js",
          "--uri",
          modelUrl,
          "--sha256",
          digest,
          "--dest",
          "/models/model.gguf",
        ],
        ["node"],
      );
      const fetched = await fetchStep.exited;
      expect({ fetched, logs: fetchStep.logs() }).toMatchObject({ fetched: 0 });
      // The label config beside the model, as a pod's ConfigMap would provide it.
      await copyFile(labels, join(llm.rootfs, "models", "model.json"));

      const port = await freePort();
      const running = runInRootfs(llm.rootfs, config, [
        "--model",
        "/models/model.gguf",
        "--digest",
        digest,
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
      ]);
      try {
        const ready = await poll(`http://127.0.0.1:${port}/v2/health/ready`, 60_000, 200);
        expect({ ready, logs: running.logs() }).toMatchObject({ ready: 200 });
        const reply = await fetch(`http://127.0.0.1:${port}/v1/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "the", max_tokens: 4 }),
        });
        expect(reply.status).toBe(200);
        const body = (await reply.json()) as { usage: { completion_tokens: number } };
        expect(body.usage.completion_tokens).toBeGreaterThan(0);
      } finally {
        await stop(running);
      }
    },
  );
});
