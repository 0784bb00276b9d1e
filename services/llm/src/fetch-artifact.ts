// The LLM image's init-container entry: fetch a GGUF model or adapter (or its label
// config) into a volume at pod start.
//   node fetch-artifact.js --uri http://…/tiny.gguf --sha256 sha256:<hex> --dest /models/tiny.gguf
// Exit codes and command line: the contract in @kubetune/api (FETCH_ARTIFACT_EXIT).
import { runFetchArtifact } from "@kubetune/api";
import { fetchModelFile } from "./fetch-file.js";
import { parseDigest } from "./source.js";

process.exit(
  await runFetchArtifact(process.argv.slice(2), {
    usage:
      "usage: fetch-artifact --uri <http(s)://…|file://…|path> [--sha256 <sha256:hex>] --dest <file>",
    checkDigest: parseDigest,
    fetch: fetchModelFile,
  }),
);
