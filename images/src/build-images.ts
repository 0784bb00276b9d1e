// Builds the components' Dockerfiles with buildah on the project's base image and writes
// one OCI archive per image under `<cache>/images/archives/`, plus images.json.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BASE_INPUTS } from "./base.js";
import { ensureBase } from "./build-base.js";
import type { Storage } from "./buildah.js";
import { buildArgs, describeArgs, parseSize, pushArgs, run } from "./buildah.js";
import type { Component } from "./components.js";
import { COMPONENT_SPECS, imageRef } from "./components.js";
import type { BuiltImage, ImagesMetadata } from "./metadata.js";
import { mergeMetadata, metadataJson } from "./metadata.js";
import { REPO_ROOT, projectVersion } from "./paths.js";

export interface BuildPlan {
  components: readonly Component[];
  imagesDir: string;
  storage: Storage;
  noCache: boolean;
}

function npmConfig(key: string): string | undefined {
  try {
    const value = execFileSync("npm", ["config", "get", key], { encoding: "utf8" }).trim();
    return value === "" || value === "null" || value === "undefined" ? undefined : value;
  } catch {
    return undefined;
  }
}

/**
 * The npm registry the build's `npm ci` should use: the one this machine's npm is set
 * to, read at run time (the Dockerfile declares the ARG; nothing is written down).
 */
function registryArg(): Record<string, string> {
  const registry = npmConfig("registry");
  return registry === undefined ? {} : { NPM_CONFIG_REGISTRY: registry };
}

/** The CA bundle this machine's npm (or Node) trusts, as the optional npm-ca secret. */
function caSecret(): Record<string, string> {
  const file = npmConfig("cafile") ?? process.env.NODE_EXTRA_CA_CERTS;
  return file !== undefined && existsSync(file) ? { "npm-ca": file } : {};
}

// buildah keeps RUN --mount=type=cache folders and its scratch files under TMPDIR.
function buildahEnv(imagesDir: string): NodeJS.ProcessEnv {
  return { ...process.env, TMPDIR: join(imagesDir, "tmp") };
}

async function buildOne(
  component: Component,
  base: string,
  plan: BuildPlan,
  previous: BuiltImage | undefined,
): Promise<BuiltImage> {
  const version = projectVersion();
  const started = performance.now();
  const ref = imageRef(component, version);
  const log = join(plan.imagesDir, "logs", `${component}.log`);
  const archive = join(plan.imagesDir, "archives", `${component}-${version}.tar`);
  const env = buildahEnv(plan.imagesDir);
  const request = {
    dockerfile: join(REPO_ROOT, COMPONENT_SPECS[component].dir, "Dockerfile"),
    context: REPO_ROOT,
    tag: ref,
    buildArgs: { BASE_IMAGE: base, VERSION: version, ...registryArg() },
    secrets: caSecret(),
    noCache: plan.noCache,
  };
  await writeFile(log, "");
  await run("buildah", buildArgs(plan.storage, request), log, env);
  const described = await run("buildah", describeArgs(plan.storage, ref), log, env);
  const [imageId = "", ...size] = described.split(" ");
  // An unchanged image (same ID as the archive was written from) keeps its archive.
  if (previous?.imageId !== imageId || !existsSync(archive)) {
    await run("buildah", pushArgs(plan.storage, ref, archive), log, env);
  }
  const seconds = (performance.now() - started) / 1000;
  const bytes = parseSize(size.join(" "));
  return {
    component,
    ref,
    archive,
    bytes,
    archiveBytes: (await stat(archive)).size,
    seconds,
    imageId,
  };
}

async function readMetadata(file: string): Promise<ImagesMetadata | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as ImagesMetadata;
  } catch {
    return undefined;
  }
}

export async function buildImages(plan: BuildPlan): Promise<ImagesMetadata> {
  for (const dir of ["logs", "archives", "tmp"])
    await mkdir(join(plan.imagesDir, dir), { recursive: true });
  const base = await ensureBase(
    BASE_INPUTS,
    plan.imagesDir,
    plan.storage,
    join(plan.imagesDir, "logs", "base.log"),
  );
  const file = join(plan.imagesDir, "archives", "images.json");
  const previous = await readMetadata(file);
  const images: BuiltImage[] = [];
  for (const component of plan.components) {
    const before = previous?.images.find((i) => i.component === component);
    const built = await buildOne(component, base, plan, before);
    console.log(
      `Built ${built.ref} (${(built.bytes / 1e6).toFixed(0)} MB) in ${built.seconds.toFixed(1)} s`,
    );
    images.push(built);
  }
  const metadata = { base, images };
  if (images.length > 0) await writeFile(file, metadataJson(mergeMetadata(previous, metadata)));
  return metadata;
}
