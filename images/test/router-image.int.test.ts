// `npm run images -- router` for real (buildah, the project's base image), then the
// archive checked the way a runtime reads it, and its rootfs run with chroot: the image's
// own entrypoint serves the router's health endpoints.
import { execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageRef } from "../src/components.js";
import type { ImagesMetadata } from "../src/metadata.js";
import { REPO_ROOT, imagesDir, projectVersion } from "../src/paths.js";
import type { OpenedArchive } from "./oci-archive.js";
import { listFiles, openArchive, unpackLayers } from "./oci-archive.js";

const exec = promisify(execFile);
// The limit for a runtime image without GPU packages.
const MAX_IMAGE_BYTES = 450e6;
const isRoot = process.getuid?.() === 0;

let work: string;
let output: string;
let archive: string;
let unpackedBytes: number;
let image: OpenedArchive;
let rootfs: string;
let files: string[];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function poll(url: string, deadlineMs: number): Promise<number> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 0 || Date.now() > until) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const { stdout } = await exec(
    process.execPath,
    ["--import", "tsx", "images/src/cli.ts", "router"],
    {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  output = stdout;
  const metadata = JSON.parse(
    await readFile(join(imagesDir(), "archives", "images.json"), "utf8"),
  ) as ImagesMetadata;
  const router = metadata.images.find((i) => i.component === "router");
  if (!router) throw new Error("images.json names no router image");
  archive = router.archive;
  unpackedBytes = router.bytes;
  work = await mkdtemp(join(tmpdir(), "kubetune-router-image-"));
  await mkdir(join(work, "layout"));
  image = await openArchive(archive, join(work, "layout"));
  rootfs = join(work, "rootfs");
  await mkdir(rootfs);
  await unpackLayers(image, rootfs);
  files = await listFiles(rootfs);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the router image", () => {
  it("when built, prints its size and build time", () => {
    expect(output).toMatch(/kubetune\/router:\S+\s+\d+ MB\s+\d+ MB\s+[\d.]+ s/);
  });

  it("is a valid OCI layout whose index names kubetune/router:<version>", () => {
    expect(image.layout.imageLayoutVersion).toBe("1.0.0");
    expect(image.index.manifests).toHaveLength(1);
    expect(image.index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"]).toBe(
      imageRef("router", projectVersion()),
    );
    expect(image.manifest.layers.length).toBe(image.config.rootfs.diff_ids.length);
    expect(image.config).toMatchObject({ os: "linux", architecture: "amd64" });
  });

  it("runs as a numeric non-root user, with the bundle as its entrypoint and labels", () => {
    expect(image.config.config.User).toBe("10001:10001");
    expect(image.config.config.Entrypoint).toEqual([
      "node",
      "--enable-source-maps",
      "/app/main.js",
    ]);
    expect(Object.keys(image.config.config.ExposedPorts ?? {})).toEqual(["8080/tcp"]);
    expect(image.config.config.Labels).toMatchObject({
      "org.opencontainers.image.title": "kubetune-router",
      "org.opencontainers.image.version": projectVersion(),
    });
    expect(files).toContain("app/main.js");
    expect(files).toContain("usr/local/bin/node");
  });

  it("carries no GPU libraries, no models and no node_modules beyond what it needs", () => {
    expect(files.filter((f) => /cuda|vulkan|cudnn|nvidia/i.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(onnx|gguf|safetensors|bin|pt)$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith("app/node_modules/"))).toEqual([]);
  });

  it("is under the size limit, unpacked and as an archive", async () => {
    expect(unpackedBytes).toBeLessThan(MAX_IMAGE_BYTES);
    expect((await stat(archive)).size).toBeLessThan(unpackedBytes);
  });

  it.skipIf(!isRoot)(
    "when its entrypoint runs in its rootfs (chroot), the router answers health checks",
    async () => {
      await copyFile(
        join(REPO_ROOT, "examples", "router", "routing-table.yaml"),
        join(rootfs, "tmp", "table.yaml"),
      );
      const port = await freePort();
      const { Entrypoint = [], User = "" } = image.config.config;
      const args = [
        ...Entrypoint,
        "--config",
        "/tmp/table.yaml",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
      ];
      const env = Object.fromEntries(
        (image.config.config.Env ?? []).map((e) => [
          e.slice(0, e.indexOf("=")),
          e.slice(e.indexOf("=") + 1),
        ]),
      );
      const child = spawn("chroot", [`--userspec=${User}`, rootfs, ...args], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let logs = "";
      child.stdout.on("data", (c: Buffer) => (logs += c.toString()));
      child.stderr.on("data", (c: Buffer) => (logs += c.toString()));
      try {
        const live = await poll(`http://127.0.0.1:${port}/v2/health/live`, 20_000);
        const ready = await fetch(`http://127.0.0.1:${port}/v2/health/ready`);

        expect({ live, logs }).toMatchObject({ live: 200 });
        expect(ready.status).toBe(200);
      } finally {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("close", resolve));
      }
    },
  );
});
