// The LLM image's init-container entry (src/fetch-artifact.ts) as a real process,
// fetching the project's tiny GGUF from a local artifact server.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "../../../e2e/support/run-script.js";
import type { StaticFiles } from "../../../e2e/support/static-files.js";
import { serveFolder } from "../../../e2e/support/static-files.js";
import { sha256File } from "../src/source.js";
import { tiny } from "./support.js";

const FETCH = join(import.meta.dirname, "..", "src", "fetch-artifact.ts");

let server: StaticFiles;
let modelUrl: string;
let digest: string;
let work: string;

beforeAll(async () => {
  digest = `sha256:${await sha256File(tiny.model)}`;
  server = await serveFolder(dirname(tiny.model));
  modelUrl = `${server.url}/${basename(tiny.model)}`;
  work = await mkdtemp(join(tmpdir(), "kubetune-llm-fetch-"));
});

afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

describe("fetch-artifact (llm)", () => {
  it("when the file's digest matches, puts it at --dest and reuses it next time", async () => {
    const dest = join(work, "ok", "model.gguf");

    const first = await runScript(FETCH, ["--uri", modelUrl, "--sha256", digest, "--dest", dest]);
    const second = await runScript(FETCH, [
      "--uri",
      modelUrl,
      "--sha256",
      digest.slice(7),
      "--dest",
      dest,
    ]);

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ dest, digest, reused: false });
    expect(JSON.parse(second.stdout)).toMatchObject({ reused: true });
    expect(`sha256:${await sha256File(dest)}`).toBe(digest);
  });

  it("when no digest is given, fetches the file unchecked and reports the digest it has", async () => {
    const dest = join(work, "unchecked", "model.gguf");

    const result = await runScript(FETCH, ["--uri", modelUrl, "--dest", dest]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dest, digest, unchecked: true });
  });

  it("when the digest differs, exits 4 and leaves nothing at --dest or beside it", async () => {
    const dest = join(work, "mismatch", "model.gguf");
    const wrong = `sha256:${"0".repeat(64)}`;

    const result = await runScript(FETCH, ["--uri", modelUrl, "--sha256", wrong, "--dest", dest]);

    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`expected ${wrong}, got ${digest}`);
    expect(existsSync(dest)).toBe(false);
    expect(await readdir(dirname(dest))).toEqual([]);
  });

  it("when the server has no such file, exits 3 naming the HTTP status", async () => {
    const result = await runScript(FETCH, [
      "--uri",
      `${server.url}/no-such.gguf`,
      "--sha256",
      digest,
      "--dest",
      join(work, "missing", "model.gguf"),
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no-such\.gguf failed: HTTP 404/);
  });

  it("when the server cannot be reached, exits 3 naming the cause", async () => {
    const closed = await serveFolder(work);
    await closed.close();

    const result = await runScript(FETCH, [
      "--uri",
      `${closed.url}/model.gguf`,
      "--sha256",
      digest,
      "--dest",
      join(work, "unreachable", "model.gguf"),
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/model\.gguf: ECONNREFUSED/,
    );
  });

  it("when --dest is missing, exits 2 with the usage", async () => {
    const result = await runScript(FETCH, ["--uri", modelUrl, "--sha256", digest]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: fetch-artifact");
  });
});
