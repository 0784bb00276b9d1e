// The real node's own images, built without a daemon: `buildah` (Debian) assembles each
// from scratch out of a root filesystem we fill, and writes an OCI archive into the
// cache, keyed by a hash of its inputs so a warm start only imports.
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLUSTER_SOURCE_DIR, cacheDir } from "../paths.js";
import { PAUSE_IMAGE } from "./config.js";
import { run } from "./exec.js";

export interface ImageRecipe {
  ref: string;
  entrypoint: string[];
  /** Files whose contents decide whether a cached archive is still current. */
  inputs: string[];
  populate: (rootfs: string) => Promise<void>;
}

/** The busybox of Debian's busybox-static: wget, nslookup, httpd and a shell for test pods. */
const BUSYBOX = "/bin/busybox";
const PAUSE_SOURCE = join(CLUSTER_SOURCE_DIR, "images", "pause.c");

export const TOOLBOX_IMAGE = "kubetune/toolbox:0.1.0";
export const COREDNS_IMAGE = "kubetune/coredns:0.1.0";

export function nodeImageRecipes(corednsBinary: string): ImageRecipe[] {
  return [
    {
      ref: PAUSE_IMAGE,
      entrypoint: ["/pause"],
      inputs: [PAUSE_SOURCE],
      populate: async (rootfs) => {
        await run("gcc", ["-static", "-Os", "-s", "-o", join(rootfs, "pause"), PAUSE_SOURCE]);
      },
    },
    {
      ref: COREDNS_IMAGE,
      entrypoint: ["/coredns"],
      inputs: [corednsBinary],
      populate: async (rootfs) => {
        copyFileSync(corednsBinary, join(rootfs, "coredns"));
        return Promise.resolve();
      },
    },
    { ref: TOOLBOX_IMAGE, entrypoint: ["/bin/sh"], inputs: [BUSYBOX], populate: toolboxRootfs },
  ];
}

async function toolboxRootfs(rootfs: string): Promise<void> {
  const bin = join(rootfs, "bin");
  mkdirSync(bin);
  mkdirSync(join(rootfs, "tmp"), { mode: 0o1777 });
  copyFileSync(BUSYBOX, join(bin, "busybox"));
  const applets = (await run(BUSYBOX, ["--list"])).split("\n").filter(Boolean);
  for (const applet of applets.filter((name) => name !== "busybox"))
    symlinkSync("busybox", join(bin, applet));
}

export function recipeKey(recipe: ImageRecipe): string {
  const hash = createHash("sha256").update(JSON.stringify([recipe.ref, recipe.entrypoint]));
  for (const input of recipe.inputs) hash.update(readFileSync(input));
  return hash.digest("hex").slice(0, 16);
}

function buildah(): string[] {
  const root = join(cacheDir(), "node-images", "buildah");
  // vfs: plain copies, no overlay mounts left behind on this machine.
  return [
    "--root",
    join(root, "storage"),
    "--runroot",
    join(root, "run"),
    "--storage-driver",
    "vfs",
  ];
}

/** Builds the image unless the cache holds it; returns the OCI archive's path. */
export async function buildImage(recipe: ImageRecipe): Promise<string> {
  // Not cacheDir()/images: the service images' build uses that.
  const dir = join(cacheDir(), "node-images");
  const archive = join(dir, `${recipe.ref.replaceAll(/[/:]/g, "_")}-${recipeKey(recipe)}.tar`);
  if (existsSync(archive)) return archive;
  mkdirSync(dir, { recursive: true });
  const rootfs = mkdtempSync(join(tmpdir(), "kubetune-rootfs-"));
  const partial = `${archive}.${process.pid}.partial`;
  try {
    await recipe.populate(rootfs);
    await commitImage(recipe, rootfs);
    await run("buildah", [
      ...buildah(),
      "push",
      recipe.ref,
      `oci-archive:${partial}:${recipe.ref}`,
    ]);
    await run("buildah", [...buildah(), "rmi", recipe.ref]);
    renameSync(partial, archive);
    return archive;
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

/** FROM scratch, COPY rootfs /, ENTRYPOINT, committed under the recipe's name. */
async function commitImage(recipe: ImageRecipe, rootfs: string): Promise<void> {
  const container = (await run("buildah", [...buildah(), "from", "scratch"])).trim();
  try {
    await run("buildah", [...buildah(), "copy", container, `${rootfs}/`, "/"]);
    const entrypoint = JSON.stringify(recipe.entrypoint);
    await run("buildah", [...buildah(), "config", "--entrypoint", entrypoint, container]);
    // --timestamp 0: the same inputs give the same image digest.
    await run("buildah", [...buildah(), "commit", "--timestamp", "0", container, recipe.ref]);
  } finally {
    await run("buildah", [...buildah(), "rm", container]);
  }
}
