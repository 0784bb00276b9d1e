// `npm run images -- router` for real (buildah, the project's base image), then the
// archive checked the way a runtime reads it, and its rootfs run: the image's own
// entrypoint serves the router's health endpoints.
import { copyFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageRef } from "../src/components.js";
import { REPO_ROOT, projectVersion } from "../src/paths.js";
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

let router: BuiltFixture;

beforeAll(async () => {
  router = await buildAndUnpack("router");
});

afterAll(async () => {
  await rm(router.work, { recursive: true, force: true });
});

describe("the router image", () => {
  it("when built, prints its size, archive size and build time", () => {
    expect(router.output).toMatch(/kubetune\/router:\S+\s+\d+ MB\s+\d+ MB\s+[\d.]+ s/);
  });

  it("is a valid OCI layout whose index names kubetune/router:<version>", () => {
    const { image } = router;

    expect(image.layout.imageLayoutVersion).toBe("1.0.0");
    expect(image.index.manifests).toHaveLength(1);
    expect(image.index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"]).toBe(
      imageRef("router", projectVersion()),
    );
    expect(image.manifest.layers.length).toBe(image.config.rootfs.diff_ids.length);
    expect(image.config).toMatchObject({ os: "linux", architecture: "amd64" });
  });

  it("runs as a numeric non-root user, with the bundle as its entrypoint and OCI labels", () => {
    const { config } = router.image.config;

    expect(config.User).toBe("10001:10001");
    expect(config.Entrypoint).toEqual(["node", "--enable-source-maps", "/app/main.js"]);
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["8080/tcp"]);
    expect(config.Labels).toMatchObject({
      "org.opencontainers.image.title": "kubetune-router",
      "org.opencontainers.image.version": projectVersion(),
    });
    expect(router.files).toContain("app/main.js");
    expect(router.files).toContain("usr/local/bin/node");
  });

  it("carries no GPU libraries, no models and no node_modules (everything is bundled)", () => {
    expect(router.files.filter((f) => /cuda|vulkan|cudnn|nvidia/i.test(f))).toEqual([]);
    expect(router.files.filter((f) => /\.(onnx|gguf|safetensors)$/.test(f))).toEqual([]);
    expect(router.files.filter((f) => f.startsWith("app/node_modules/"))).toEqual([]);
  });

  it("is under the size limit, unpacked and as an archive", async () => {
    expect(router.built.bytes).toBeLessThan(MAX_IMAGE_BYTES);
    expect((await stat(router.built.archive)).size).toBeLessThan(router.built.bytes);
  });

  it.skipIf(!isRoot)(
    "when its entrypoint runs in its rootfs, the router answers health checks",
    async () => {
      await copyFile(
        join(REPO_ROOT, "examples", "router", "routing-table.yaml"),
        join(router.rootfs, "tmp", "table.yaml"),
      );
      const port = await freePort();
      const running = runInRootfs(router.rootfs, router.image.config, [
        "--config",
        "/tmp/table.yaml",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
      ]);
      try {
        const live = await poll(`http://127.0.0.1:${port}/v2/health/live`, 30_000);
        const ready = await fetch(`http://127.0.0.1:${port}/v2/health/ready`);

        expect({ live, logs: running.logs() }).toMatchObject({ live: 200 });
        expect(ready.status).toBe(200);
      } finally {
        await stop(running);
      }
    },
  );
});
