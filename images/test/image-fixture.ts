// What the image suites share: `npm run images -- <component>` as a real process, the
// archive it wrote opened and unpacked, and processes run in the unpacked rootfs the way
// a runtime would (the image's user, environment and entrypoint), without containerd.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Component } from "../src/components.js";
import type { BuiltImage, ImagesMetadata } from "../src/metadata.js";
import { REPO_ROOT, imagesDir } from "../src/paths.js";
import type { ImageConfig, OpenedArchive } from "./oci-archive.js";
import { listFiles, openArchive, unpackLayers } from "./oci-archive.js";

const exec = promisify(execFile);

// The limit for a runtime image without GPU packages.
export const MAX_IMAGE_BYTES = 450e6;

/** Running a rootfs needs root (chroot, a private mount namespace for /proc). */
export const isRoot = process.getuid?.() === 0;

export interface BuiltFixture {
  output: string;
  built: BuiltImage;
  image: OpenedArchive;
  rootfs: string;
  files: string[];
  work: string;
}

export async function buildAndUnpack(component: Component): Promise<BuiltFixture> {
  const { stdout } = await exec(
    process.execPath,
    ["--import", "tsx", "images/src/cli.ts", component],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const metadata = JSON.parse(
    await readFile(join(imagesDir(), "archives", "images.json"), "utf8"),
  ) as ImagesMetadata;
  const built = metadata.images.find((i) => i.component === component);
  if (!built) throw new Error(`images.json names no ${component} image`);
  const work = await mkdtemp(join(tmpdir(), `kubetune-${component}-image-`));
  await mkdir(join(work, "layout"));
  const image = await openArchive(built.archive, join(work, "layout"));
  const rootfs = join(work, "rootfs");
  await mkdir(rootfs);
  await unpackLayers(image, rootfs);
  return { output: stdout, built, image, rootfs, files: await listFiles(rootfs), work };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function imageEnv(config: ImageConfig): Record<string, string> {
  return Object.fromEntries(
    (config.config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
}

export interface RootfsProcess {
  child: ChildProcess;
  logs: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * `command` (default: the image's entrypoint) with `args`, as the image's user, in the
 * image's working directory and environment, chrooted into `rootfs`, with /proc mounted
 * in a private mount namespace that disappears with the process.
 */
export function runInRootfs(
  rootfs: string,
  config: ImageConfig,
  args: readonly string[],
  command: readonly string[] = config.config.Entrypoint ?? [],
): RootfsProcess {
  const user = config.config.User ?? "0:0";
  const inner = [`--userspec=${user}`, rootfs, "/bin/sh", "-c", 'cd "$0" && exec "$@"'];
  const workdir = config.config.WorkingDir ?? "/";
  const script = `mount -t proc proc "${rootfs}/proc" && exec chroot "$@"`;
  const child = spawn(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      "sh",
      ...inner,
      workdir,
      ...command,
      ...args,
    ],
    { env: imageEnv(config), stdio: ["ignore", "pipe", "pipe"] },
  );
  let logs = "";
  child.stdout.on("data", (c: Buffer) => (logs += c.toString()));
  child.stderr.on("data", (c: Buffer) => (logs += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return { child, logs: () => logs, exited };
}

/** Polls `url` until it answers (any status) or the deadline passes (0 then). */
export async function poll(url: string, deadlineMs: number, want?: number): Promise<number> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if ((status !== 0 && (want === undefined || status === want)) || Date.now() > until)
      return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function stop(process: RootfsProcess): Promise<void> {
  process.child.kill("SIGTERM");
  await process.exited;
}
