// The encoder image's init-container entry (src/fetch-artifact.ts) as a real process,
// fetching the project's model folder from a local artifact server.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../../../e2e/support/run-script.js";
import type { StaticFiles } from "../../../e2e/support/static-files.js";
import { serveFolder } from "../../../e2e/support/static-files.js";
import { folderDigest } from "../src/model/folder.js";
import { projectModels, startTestEncoder } from "./support.js";

const FETCH = join(import.meta.dirname, "..", "src", "fetch-artifact.ts");

let server: StaticFiles;
let modelUrl: string;
let digest: string;
let work: string;

beforeAll(async () => {
  const { single } = await projectModels();
  digest = await folderDigest(single);
  server = await serveFolder(dirname(single));
  modelUrl = `${server.url}/${basename(single)}/`;
  work = await mkdtemp(join(tmpdir(), "kubetune-encoder-fetch-"));
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe("fetch-artifact (encoder)", () => {
  it("when the folder's digest matches, puts it at --dest, loadable by the encoder, and reuses it next time", async () => {
    const dest = join(work, "ok", "model");

    const first = await runScript(FETCH, ["--uri", modelUrl, "--sha256", digest, "--dest", dest]);
    const second = await runScript(FETCH, ["--uri", modelUrl, "--sha256", digest, "--dest", dest]);

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ dest, digest, reused: false });
    expect(JSON.parse(second.stdout)).toMatchObject({ reused: true });
    expect(await folderDigest(dest)).toBe(digest);
    const encoder = await startTestEncoder(dest, "--digest", digest);
    try {
      const ready = await fetch(`${encoder.url}/v2/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await encoder.stop();
    }
  });

  it("when no digest is given, fetches the folder unchecked and reports the digest it has", async () => {
    const dest = join(work, "unchecked", "model");

    const result = await runScript(FETCH, ["--uri", modelUrl, "--dest", dest]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dest, digest, unchecked: true });
  });

  it("when the digest differs, exits 4 and leaves nothing at --dest or beside it", async () => {
    const dest = join(work, "mismatch", "model");
    const wrong = `sha256:${"0".repeat(64)}`;

    const result = await runScript(FETCH, ["--uri", modelUrl, "--sha256", wrong, "--dest", dest]);

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`expected ${wrong}, got ${digest}`);
    expect(existsSync(dest)).toBe(false);
    expect(await readdir(dirname(dest))).toEqual([]);
  });

  it("when the server has no such folder, exits 3 naming the HTTP status", async () => {
    const result = await runScript(FETCH, [
      "--uri",
      `${server.url}/no-such-model/`,
      "--sha256",
      digest,
      "--dest",
      join(work, "missing", "model"),
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/config\.json .*HTTP 404/);
  });

  it("when the server cannot be reached, exits 3 naming the cause", async () => {
    const closed = await serveFolder(work);
    await closed.close();

    const result = await runScript(FETCH, [
      "--uri",
      `${closed.url}/model/`,
      "--sha256",
      digest,
      "--dest",
      join(work, "unreachable", "model"),
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/model\/config\.json: ECONNREFUSED/,
    );
  });

  it.each([
    { args: ["--uri", "http://127.0.0.1:1/m/"], error: /required/ },
    {
      args: ["--uri", "http://127.0.0.1:1/m/", "--sha256", "md5:abc", "--dest", "/tmp/x"],
      error: /sha256:<64/,
    },
  ])("when the arguments are $args, exits 2 with the usage", async ({ args, error }) => {
    const result = await runScript(FETCH, args);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(error);
    expect(result.stderr).toContain("usage: fetch-artifact");
  });
});
