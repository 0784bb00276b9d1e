// Where image builds keep their state: outside the repository, under the project's cache.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBETUNE_CACHE_DIR ?? join(homedir(), ".cache", "kubetune");
}

/** `<cache>/images`: base rootfs tarballs, buildah's storage, the OCI archives. */
export function imagesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "images");
}

/** The root package's version: every image is tagged with it. */
export function projectVersion(): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}
