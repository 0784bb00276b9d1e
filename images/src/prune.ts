// Files inside the copied native packages that an image never loads: binaries built for
// other platforms, and llama.cpp's source bundle (node-llama-cpp builds from it only
// when no prebuilt binary fits; the LLM service never builds, see ADR 0003).

const NOT_FOR_IMAGE: readonly RegExp[] = [
  // onnxruntime-node: bin/napi-v6/<platform>/<arch>/; keep linux/x64 only.
  /(?:^|\/)onnxruntime-node\/bin\/napi-v\d+\/(?!linux\/x64\/)[^/]+\/[^/]+\//,
  // tokenizers: one tokenizers.<target>.node per platform in the package; keep linux-x64-gnu.
  /(?:^|\/)tokenizers\/tokenizers\.(?!linux-x64-gnu\.node$)[^/]+\.node$/,
  // node-llama-cpp: the git bundle of llama.cpp's sources for local builds.
  /(?:^|\/)node-llama-cpp\/llama\/gitRelease\.bundle$/,
  // Type declarations and source maps of dependencies: never read at run time.
  /\.d\.[cm]?ts$/,
  /(?:^|\/)node_modules\/.+\.map$/,
];

/** Whether the file at `path` (relative, "/"-separated) is left out of the image. */
export function leftOut(path: string): boolean {
  return NOT_FOR_IMAGE.some((pattern) => pattern.test(path));
}
