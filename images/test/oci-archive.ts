// Reading an OCI archive the way a runtime would: its layout, index, manifest and config,
// each blob checked against its digest, and the layers unpacked in order into a rootfs.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config: {
    User?: string;
    Entrypoint?: string[];
    Cmd?: string[];
    Env?: string[];
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string>;
  };
  rootfs: { type: string; diff_ids: string[] };
}

export interface OpenedArchive {
  layout: { imageLayoutVersion: string };
  index: { schemaVersion: number; manifests: Descriptor[] };
  manifest: { schemaVersion: number; config: Descriptor; layers: Descriptor[] };
  config: ImageConfig;
  /** Blob path for a digest, after checking the blob's size and sha256. */
  blob(descriptor: Descriptor): Promise<string>;
}

async function verified(dir: string, descriptor: Descriptor): Promise<string> {
  const [algorithm, hex] = descriptor.digest.split(":");
  const path = join(dir, "blobs", algorithm ?? "", hex ?? "");
  const bytes = await readFile(path);
  const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  if (actual !== descriptor.digest || bytes.length !== descriptor.size) {
    throw new Error(`blob ${descriptor.digest} has digest ${actual} and ${bytes.length} bytes`);
  }
  return path;
}

async function json<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

/** Extracts the archive into `dir` and reads its single image. */
export async function openArchive(archive: string, dir: string): Promise<OpenedArchive> {
  await exec("tar", ["-xf", archive, "-C", dir]);
  const layout = await json<OpenedArchive["layout"]>(join(dir, "oci-layout"));
  const index = await json<OpenedArchive["index"]>(join(dir, "index.json"));
  const [entry] = index.manifests;
  if (!entry) throw new Error("the index names no manifest");
  const manifest = await json<OpenedArchive["manifest"]>(await verified(dir, entry));
  const config = await json<ImageConfig>(await verified(dir, manifest.config));
  return { layout, index, manifest, config, blob: (d) => verified(dir, d) };
}

/** Unpacks the layers in order, applying whiteouts (`.wh.<name>` deletes `<name>`). */
export async function unpackLayers(image: OpenedArchive, rootfs: string): Promise<void> {
  for (const layer of image.manifest.layers) {
    const path = await image.blob(layer);
    const { stdout } = await exec("tar", ["-tf", path], { maxBuffer: 256 * 1024 * 1024 });
    for (const name of stdout.split("\n").filter((n) => n.includes(".wh."))) {
      const base = name.split("/").pop() ?? "";
      const target = join(rootfs, dirname(name), base.replace(/^\.wh\./, ""));
      await rm(target, { recursive: true, force: true });
    }
    await exec("tar", ["-xf", path, "-C", rootfs, "--exclude=*.wh.*", "--numeric-owner"]);
  }
}

/** Every file path under `dir`, relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}
