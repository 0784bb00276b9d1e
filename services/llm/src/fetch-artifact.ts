// The LLM image's init-container entry: fetch a GGUF model or adapter (or its label
// config) into a volume at pod start.
//   node fetch-artifact.js --uri http://…/tiny.gguf --sha256 sha256:<hex> --dest /models/tiny.gguf
// Exit 0 fetched (or already there), 2 bad arguments, 3 not fetched (HTTP error,
// unreachable, missing file), 4 digest mismatch.
import { parseArgs } from "node:util";
import { DigestMismatch, fetchModelFile } from "./fetch-file.js";
import { parseDigest } from "./source.js";

const USAGE =
  "usage: fetch-artifact --uri <http(s)://…|file://…|path> --sha256 <sha256:hex> --dest <file>";

function parse(argv: string[]): { uri: string; digest: string; dest: string } {
  const { values } = parseArgs({
    args: argv,
    options: { uri: { type: "string" }, sha256: { type: "string" }, dest: { type: "string" } },
    strict: true,
  });
  const { uri, sha256, dest } = values;
  if (!uri || !sha256 || !dest) throw new Error("--uri, --sha256 and --dest are required");
  const digest = sha256.startsWith("sha256:") ? sha256 : `sha256:${sha256}`;
  parseDigest(digest);
  return { uri, digest, dest };
}

let args;
try {
  args = parse(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}

const started = performance.now();
try {
  const fetched = await fetchModelFile(args.uri, args.digest, args.dest);
  const seconds = Math.round(performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...fetched, seconds }));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof DigestMismatch ? 4 : 3);
}
