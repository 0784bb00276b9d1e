// The encoder image's init-container entry: fetch a model folder into a volume at pod start.
//   node fetch-artifact.js --uri http://…/models/arxiv/ --sha256 sha256:<folder digest> --dest /models/arxiv
// Exit codes and command line: the contract in @kubetune/api (FETCH_ARTIFACT_EXIT).
import { runFetchArtifact } from "@kubetune/api";
import { parseDigest } from "./model/folder.js";
import { fetchModelFolder } from "./model/fetch-folder.js";

process.exit(
  await runFetchArtifact(process.argv.slice(2), {
    usage:
      "usage: fetch-artifact --uri <http(s)://…/|file://…|dir> [--sha256 <sha256:hex>] --dest <dir>",
    checkDigest: parseDigest,
    fetch: fetchModelFolder,
  }),
);
