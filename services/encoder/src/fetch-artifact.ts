// The encoder image's init-container entry: fetch a model folder into a volume at pod start.
//   node fetch-artifact.js --uri http://…/models/arxiv/ --sha256 sha256:<folder digest> --dest /models/arxiv
// Exit 0 fetched (or already there), 2 bad arguments, 3 not fetched (HTTP error,
// unreachable, missing file), 4 digest mismatch.
import { parseArgs } from "node:util";
import { parseDigest } from "./model/folder.js";
import { DigestMismatch, fetchModelFolder } from "./model/fetch-folder.js";

const USAGE =
  "usage: fetch-artifact --uri <http(s)://…/|file://…|dir> --sha256 <sha256:hex> --dest <dir>";

function parse(argv: string[]): { uri: string; digest: string; dest: string } {
  const { values } = parseArgs({
    args: argv,
    options: { uri: { type: "string" }, sha256: { type: "string" }, dest: { type: "string" } },
    strict: true,
  });
  const { uri, sha256, dest } = values;
  if (!uri || !sha256 || !dest) throw new Error("--uri, --sha256 and --dest are required");
  return {
    uri,
    digest: parseDigest(sha256.startsWith("sha256:") ? sha256 : `sha256:${sha256}`),
    dest,
  };
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
  const fetched = await fetchModelFolder(args.uri, args.digest, args.dest);
  const seconds = Math.round(performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...fetched, seconds }));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof DigestMismatch ? 4 : 3);
}
