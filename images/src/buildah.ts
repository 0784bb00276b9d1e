// buildah's command lines, built as pure functions, and one way to run them. Storage
// lives under the project's cache (never the system's), RUN steps use chroot isolation
// (no daemon, no user namespaces needed), and images are never pulled: the base is the
// project's own.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";

export interface Storage {
  root: string;
  runroot: string;
  driver: string;
}

export function storageFor(imagesDir: string, env: NodeJS.ProcessEnv = process.env): Storage {
  return {
    root: join(imagesDir, "storage"),
    runroot: join(imagesDir, "run"),
    // overlay is fast and shares layers; vfs works anywhere (set it where overlay cannot mount).
    driver: env.KUBETUNE_IMAGES_STORAGE_DRIVER ?? "overlay",
  };
}

export function globalArgs(storage: Storage): string[] {
  return ["--root", storage.root, "--runroot", storage.runroot, "--storage-driver", storage.driver];
}

export interface BuildRequest {
  dockerfile: string;
  context: string;
  tag: string;
  buildArgs: Record<string, string>;
  /** Build secrets: id → file on this machine (e.g. npm-ca, the CA bundle npm trusts). */
  secrets: Record<string, string>;
  noCache: boolean;
}

export function buildArgs(storage: Storage, request: BuildRequest): string[] {
  const args = Object.entries(request.buildArgs)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, value]) => ["--build-arg", `${name}=${value}`]);
  return [
    ...globalArgs(storage),
    "build",
    "--layers",
    "--isolation",
    "chroot",
    "--pull=never",
    ...(request.noCache ? ["--no-cache"] : []),
    ...args,
    ...Object.entries(request.secrets).flatMap(([id, src]) => ["--secret", `id=${id},src=${src}`]),
    "--file",
    request.dockerfile,
    "--tag",
    request.tag,
    request.context,
  ];
}

/** Writes `ref` as an OCI archive (gzip layers) whose index names it `ref`. */
export function pushArgs(storage: Storage, ref: string, archive: string): string[] {
  return [...globalArgs(storage), "push", "--quiet", ref, `oci-archive:${archive}:${ref}`];
}

/** The image's full ID and unpacked size, as `buildah images` prints them: "<id> <size>". */
export function describeArgs(storage: Storage, ref: string): string[] {
  return [...globalArgs(storage), "images", "--no-trunc", "--format", "{{.ID}} {{.Size}}", ref];
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

/** "202 MB" (decimal units, as buildah prints them) → bytes. */
export function parseSize(text: string): number {
  const match = /^([\d.]+)\s*([kKMGT]?B)$/.exec(text.trim());
  const unit = match?.[2] === undefined ? undefined : UNITS[match[2]];
  if (match?.[1] === undefined || unit === undefined) throw new Error(`unreadable size "${text}"`);
  return Math.round(Number(match[1]) * unit);
}

/** Runs a command, its output appended to `log`; rejects with the log's path on failure. */
export function run(
  command: string,
  args: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(log, { flags: "a" });
    out.write(`$ ${command} ${args.join(" ")}\n`);
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      out.write(chunk);
    });
    child.stderr.pipe(out, { end: false });
    child.on("error", reject);
    child.on("close", (code) => {
      out.end();
      if (code === 0) resolve(stdout.trim());
      else reject(new Error(`${command} failed (exit ${code}); see ${log}`));
    });
  });
}
