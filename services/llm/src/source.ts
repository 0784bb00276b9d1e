// Where a model or adapter file comes from: a path, a file:// URI, or an http(s):// URI
// fetched once into a cache folder. An optional `sha256:<hex>` digest is checked either way.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";

const DIGEST = /^sha256:([0-9a-f]{64})$/;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

/** Parses `sha256:<hex>` into the hex digits. */
export function parseDigest(digest: string): string {
  const hex = DIGEST.exec(digest)?.[1];
  if (!hex) throw new Error(`digest must look like sha256:<64 hex digits>, got "${digest}"`);
  return hex;
}

/** A fetch that names the URI and the cause when the server cannot be reached at all. */
async function fetchOrExplain(uri: string): Promise<Response> {
  try {
    return await fetch(uri);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason =
      cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : cause;
    throw new Error(`cannot reach ${uri}: ${String(reason)}`, { cause: error });
  }
}

/** Streams the http(s) `uri` into the file `target` (whose folder must exist). */
export async function download(uri: string, target: string): Promise<void> {
  const response = await fetchOrExplain(uri);
  if (!response.ok || !response.body)
    throw new Error(`fetching ${uri} failed: HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body), createWriteStream(target));
}

async function fetchOnce(uri: string, cacheDir: string): Promise<string> {
  const target = join(
    cacheDir,
    `${createHash("sha256").update(uri).digest("hex").slice(0, 32)}.gguf`,
  );
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  await download(uri, partial);
  renameSync(partial, target);
  return target;
}

/** A local path for `uri`, after checking `digest` when one is given. */
export async function resolveSource(
  uri: string,
  digest: string | undefined,
  cacheDir: string,
): Promise<string> {
  const expected = digest === undefined ? undefined : parseDigest(digest);
  const path = /^https?:\/\//.test(uri)
    ? await fetchOnce(uri, cacheDir)
    : uri.startsWith("file://")
      ? fileURLToPath(uri)
      : uri;
  if (!existsSync(path)) throw new Error(`model file ${path} does not exist`);
  if (expected) {
    const actual = await sha256File(path);
    if (actual !== expected)
      throw new Error(
        `digest mismatch for ${uri}: expected sha256:${expected}, got sha256:${actual}`,
      );
  }
  return path;
}
