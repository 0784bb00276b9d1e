// Imports OCI image archives into the real node's containerd (namespace k8s.io, where the
// CRI looks). containerd names an image from an OCI archive exactly as its annotation
// says, but the kubelet asks the CRI for the normalised form of a short name like
// `kubetune/encoder:0.1.0`; containerd normalises the RepoTags of Docker-format
// archives itself, so each OCI archive is re-packed with a manifest.json first.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./exec.js";

const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";
const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);

interface Descriptor {
  mediaType?: string;
  digest: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

const blobPath = (digest: string) => `blobs/${digest.replace(":", "/")}`;

/** A Docker manifest.json for the named images of an OCI layout (pure over `readBlob`). */
export function dockerManifest(
  index: { manifests: Descriptor[] },
  readBlob: (path: string) => string,
): DockerArchiveEntry[] {
  return index.manifests.map((descriptor) => {
    const name = descriptor.annotations?.[CONTAINERD_NAME] ?? descriptor.annotations?.[REF_NAME];
    if (!name?.includes("/")) {
      throw new Error(
        `an image in the archive is named "${name ?? ""}"; name it in full, like kubetune/encoder:0.1.0 (annotation ${REF_NAME})`,
      );
    }
    const manifest = platformManifest(descriptor, readBlob);
    return {
      Config: blobPath(manifest.config.digest),
      RepoTags: [name],
      Layers: manifest.layers.map((layer) => blobPath(layer.digest)),
    };
  });
}

interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

function platformManifest(
  descriptor: Descriptor,
  readBlob: (path: string) => string,
): ImageManifest {
  const blob = JSON.parse(readBlob(blobPath(descriptor.digest))) as {
    manifests?: Descriptor[];
  } & Partial<ImageManifest>;
  if (!INDEX_TYPES.has(descriptor.mediaType ?? "") && !blob.manifests) {
    return blob as ImageManifest;
  }
  const amd64 = blob.manifests?.find(
    (m) => m.platform?.os === "linux" && m.platform.architecture === "amd64",
  );
  if (!amd64) throw new Error(`image index ${descriptor.digest} has no linux/amd64 image`);
  return platformManifest(amd64, readBlob);
}

/** Imports each archive; returns the names the images got, as the CRI will look them up. */
export async function importArchives(socket: string, archives: readonly string[]) {
  const names: string[] = [];
  for (const archive of archives) {
    const work = mkdtempSync(join(tmpdir(), "kubetune-import-"));
    try {
      const packed = await repack(archive, work);
      const out = await run("ctr", [
        "--address",
        socket,
        "-n",
        "k8s.io",
        "images",
        "import",
        packed,
      ]);
      names.push(...[...out.matchAll(/unpacking (\S+) /g)].map((match) => match[1] ?? ""));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return names;
}

async function repack(archive: string, work: string): Promise<string> {
  const dir = join(work, "layout");
  await run("mkdir", [dir]);
  await run("tar", ["-xf", archive, "-C", dir]);
  const hasOciLayout = existsSync(join(dir, "oci-layout"));
  if (!hasOciLayout && existsSync(join(dir, "manifest.json"))) return archive;
  if (!hasOciLayout) throw new Error(`${archive} is neither an OCI nor a Docker image archive`);
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as {
    manifests: Descriptor[];
  };
  const manifest = dockerManifest(index, (path) => readFileSync(join(dir, path), "utf8"));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  const packed = join(work, "docker-archive.tar");
  await run("tar", ["-cf", packed, "-C", dir, "manifest.json", "blobs"]);
  return packed;
}
