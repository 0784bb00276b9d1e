// importImages: puts OCI image archives (e.g. from `npm run images`) into a running
// cluster's real node, under the short names pods use (`kubetune/encoder:0.1.0`).
import { clusterFiles } from "../layout.js";
import { clusterDir } from "../paths.js";
import { readState } from "../state.js";
import { importArchives } from "./import.js";

export async function importImages(
  cluster: string,
  archives: readonly string[],
): Promise<string[]> {
  const state = readState(clusterFiles(clusterDir(cluster)).state);
  if (!state?.realNode) {
    throw new Error(
      `cluster "${cluster}" runs no real node to import images into (start it with npm run cluster:up -- --name ${cluster})`,
    );
  }
  return importArchives(state.realNode.containerdSocket, archives);
}
