// The init container's job: put a model folder at `dest`, verified against its folder
// digest (folder.ts), before the encoder starts. The files land in a staging folder
// beside `dest` and are renamed into place only when the digest matches, so a failed or
// interrupted fetch never leaves a folder the service could load.
import { access, copyFile, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { MODEL_FILES, downloadFolder, folderDigest, resolveModelFolder } from "./folder.js";
import { DigestMismatch } from "@kubetune/api";

export interface FetchedFolder {
  dest: string;
  digest: string;
  /** The folder was already there with the expected digest; nothing was fetched. */
  reused: boolean;
  /** No digest was asked for: `digest` is what the bytes have, not what was checked. */
  unchecked?: true;
}

async function digestIfComplete(dir: string): Promise<string | undefined> {
  try {
    for (const name of MODEL_FILES) await access(join(dir, name));
    return await folderDigest(dir);
  } catch {
    return undefined;
  }
}

async function fill(uri: string, staging: string): Promise<void> {
  if (/^https?:\/\//.test(uri)) {
    await downloadFolder(uri, staging);
    return;
  }
  const { dir } = await resolveModelFolder(uri);
  for (const name of MODEL_FILES) await copyFile(join(dir, name), join(staging, name));
}

/** Fetches the folder at `uri` (http(s)://, file:// or a path) into `dest`, checking `digest`. */
export async function fetchModelFolder(
  uri: string,
  digest: string | undefined,
  dest: string,
): Promise<FetchedFolder> {
  if (digest !== undefined && (await digestIfComplete(dest)) === digest)
    return { dest, digest, reused: true };
  await mkdir(dirname(dest), { recursive: true });
  const staging = await mkdtemp(join(dirname(dest), `.${basename(dest)}.partial-`));
  try {
    await fill(uri, staging);
    const actual = await folderDigest(staging);
    if (digest !== undefined && actual !== digest) {
      throw new DigestMismatch(`digest mismatch for ${uri}: expected ${digest}, got ${actual}`);
    }
    await rm(dest, { recursive: true, force: true });
    await rename(staging, dest);
    return { dest, digest: actual, reused: false, ...(digest ? {} : { unchecked: true }) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
