// The init container's job: put a model or adapter file at `dest`, verified against its
// sha256, before the LLM service starts. The bytes land in a partial file beside `dest`
// and are renamed into place only when the digest matches, so a failed or interrupted
// fetch never leaves a file the service could load.
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { download, parseDigest, sha256File } from "./source.js";
import { DigestMismatch } from "@kubetune/api";

export interface FetchedFile {
  dest: string;
  digest: string;
  bytes: number;
  /** The file was already there with the expected digest; nothing was fetched. */
  reused: boolean;
  /** No digest was asked for: `digest` is what the bytes have, not what was checked. */
  unchecked?: true;
}

async function sha256IfPresent(path: string): Promise<string | undefined> {
  return sha256File(path).catch(() => undefined);
}

async function fill(uri: string, partial: string): Promise<void> {
  if (/^https?:\/\//.test(uri)) await download(uri, partial);
  else await copyFile(uri.startsWith("file://") ? fileURLToPath(uri) : uri, partial);
}

/** Fetches the file at `uri` (http(s)://, file:// or a path) into `dest`, checking `digest`. */
export async function fetchModelFile(
  uri: string,
  digest: string | undefined,
  dest: string,
): Promise<FetchedFile> {
  const expected = digest === undefined ? undefined : parseDigest(digest);
  if (expected !== undefined && (await sha256IfPresent(dest)) === expected) {
    return { dest, digest: `sha256:${expected}`, bytes: (await stat(dest)).size, reused: true };
  }
  await mkdir(dirname(dest), { recursive: true });
  const partial = `${dest}.partial-${process.pid}`;
  try {
    await fill(uri, partial);
    const actual = await sha256File(partial);
    if (expected !== undefined && actual !== expected) {
      throw new DigestMismatch(
        `digest mismatch for ${uri}: expected sha256:${expected}, got sha256:${actual}`,
      );
    }
    await rename(partial, dest);
    const bytes = (await stat(dest)).size;
    return {
      dest,
      digest: `sha256:${actual}`,
      bytes,
      reused: false,
      ...(expected ? {} : { unchecked: true }),
    };
  } finally {
    await rm(partial, { force: true });
  }
}
