// What `npm run images` leaves beside the archives for whoever imports them
// (`<cache>/images/archives/images.json`), and the size table it prints.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Component } from "./components.js";
import { COMPONENTS } from "./components.js";
import { imagesDir } from "./paths.js";

export interface BuiltImage {
  component: Component;
  /** `kubetune/<component>:<version>`, also the archive index's ref name. */
  ref: string;
  /** Absolute path of the OCI archive (uncompressed layers). */
  archive: string;
  /** The image's unpacked size (its layers' files), as buildah reports it. */
  bytes: number;
  /** Bytes of the archive (gzip layers): what an import reads. */
  archiveBytes: number;
  /** Seconds this run spent building and writing it. */
  seconds: number;
  /** buildah's image ID: the archive is rewritten only when it changes. */
  imageId: string;
}

export interface ImagesMetadata {
  base: string;
  images: BuiltImage[];
}

/**
 * images.json after a run: this run's images replace earlier entries of the same
 * component, the others stay, so the file always lists every archive there is.
 */
export function mergeMetadata(
  previous: ImagesMetadata | undefined,
  next: ImagesMetadata,
): ImagesMetadata {
  const built = new Set(next.images.map((i) => i.component));
  const kept = (previous?.images ?? []).filter((i) => !built.has(i.component));
  const images = [...kept, ...next.images].sort(
    (a, b) => COMPONENTS.indexOf(a.component) - COMPONENTS.indexOf(b.component),
  );
  return { base: next.base, images };
}

export function metadataJson(metadata: ImagesMetadata): string {
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

/** The archive and ref `npm run images` built for a component, or a clear error. */
export function builtImage(component: string): { ref: string; archive: string } {
  const file = join(imagesDir(), "archives", "images.json");
  let metadata: ImagesMetadata;
  try {
    metadata = JSON.parse(readFileSync(file, "utf8")) as ImagesMetadata;
  } catch {
    throw new Error(`no ${file}: build the images first (npm run images)`);
  }
  const image = metadata.images.find((i) => i.component === component);
  if (!image) throw new Error(`${file} lists no ${component} image: npm run images`);
  return { ref: image.ref, archive: image.archive };
}

const MB = 1e6;

export function sizeTable(images: readonly BuiltImage[], totalSeconds: number): string {
  const rows = images.map((i) =>
    [
      i.ref.padEnd(28),
      `${(i.bytes / MB).toFixed(0).padStart(6)} MB`,
      `${(i.archiveBytes / MB).toFixed(0).padStart(6)} MB`,
      `${i.seconds.toFixed(1).padStart(7)} s`,
      ` ${i.archive}`,
    ].join(" "),
  );
  return [
    `${"image".padEnd(28)} ${"size".padStart(9)} ${"gzipped".padStart(9)} ${"build".padStart(9)}  archive`,
    ...rows,
    `built ${images.length} image(s) in ${totalSeconds.toFixed(1)} s`,
  ].join("\n");
}
