// Where a model folder comes from (a path, file://, or http(s):// base URL whose three
// files are fetched into a temporary folder) and its digest: sha256 over the folder's
// files as `sha256sum` lists them, so one value pins weights, tokenizer and labels.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const MODEL_FILES = ["config.json", "model.onnx", "tokenizer.json"] as const;

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => {
        resolve(hash.digest("hex"));
      });
  });
}

/** `sha256:<hex>` of the lines "<sha256 of file>  <name>\n" for the folder's files, in name order. */
export async function folderDigest(dir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const name of MODEL_FILES) hash.update(`${await sha256File(join(dir, name))}  ${name}\n`);
  return `sha256:${hash.digest("hex")}`;
}

export function parseDigest(digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new Error(`digest must be sha256:<64 lowercase hex digits>, not "${digest}"`);
  }
  return digest;
}

/** A fetch that names the URL and the cause when the server cannot be reached at all. */
export async function fetchOrExplain(url: URL): Promise<Response> {
  try {
    return await fetch(url);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason =
      cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : cause;
    throw new Error(`cannot reach ${url.href}: ${String(reason)}`, { cause: error });
  }
}

/** Fetches the folder's files from an http(s) base URL into the existing folder `dir`. */
export async function downloadFolder(base: string, dir: string): Promise<void> {
  const root = base.endsWith("/") ? base : `${base}/`;
  for (const name of MODEL_FILES) {
    const response = await fetchOrExplain(new URL(name, root));
    if (!response.ok) throw new Error(`fetching ${name} from ${root}: HTTP ${response.status}`);
    await writeFile(join(dir, name), Buffer.from(await response.arrayBuffer()));
  }
}

async function download(base: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kubetune-encoder-model-"));
  try {
    await downloadFolder(base, dir);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface ModelFolder {
  dir: string;
  /** Downloaded into a temporary folder the service removes when it stops. */
  temporary: boolean;
}

/** A local folder holding the model's files. */
export async function resolveModelFolder(location: string): Promise<ModelFolder> {
  if (location.startsWith("file://")) return { dir: fileURLToPath(location), temporary: false };
  if (/^https?:\/\//.test(location)) return { dir: await download(location), temporary: true };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new Error(
      `model location "${location}": only paths, file:// and http(s):// are supported`,
    );
  }
  return { dir: location, temporary: false };
}
