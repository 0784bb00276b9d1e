// npm run images -- [components…] [--import [--name N]] [--no-cache] [--base-only]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { USAGE, importArgs, parseImagesArgs } from "./args.js";
import { buildImages } from "./build-images.js";
import { storageFor } from "./buildah.js";
import { sizeTable } from "./metadata.js";
import { REPO_ROOT, imagesDir } from "./paths.js";

function hasImportScript(): boolean {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  return manifest.scripts?.["cluster:import"] !== undefined;
}

let options;
try {
  options = parseImagesArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (options.import && !hasImportScript()) {
  console.error(
    "--import needs `npm run cluster:import`, which this checkout does not have yet (it comes with the local cluster's real worker node)",
  );
  process.exit(2);
}

// debootstrap and buildah's chroot isolation need root; both tools come from Debian.
const missing = ["buildah", "debootstrap", "tar"].filter(
  (tool) => spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0,
);
if (missing.length > 0 || process.getuid?.() !== 0) {
  console.error(
    missing.length > 0
      ? `building images needs ${missing.join(" and ")}: apt-get install -y ${missing.join(" ")}`
      : "building images needs root (debootstrap, and buildah's chroot isolation)",
  );
  process.exit(2);
}

const dir = imagesDir();
const started = performance.now();
try {
  const { base, images } = await buildImages({
    components: options.components,
    imagesDir: dir,
    storage: storageFor(dir),
    noCache: options.noCache,
  });
  console.log(`base ${base}`);
  if (images.length > 0) console.log(sizeTable(images, (performance.now() - started) / 1000));
  if (options.import) {
    const imported = spawnSync(
      "npm",
      importArgs(
        options.cluster,
        images.map((i) => i.archive),
      ),
      { cwd: REPO_ROOT, stdio: "inherit" },
    );
    if (imported.status !== 0) process.exit(imported.status ?? 1);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
