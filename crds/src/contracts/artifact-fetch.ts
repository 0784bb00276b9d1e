// The contract between the operator and the images' init-container entry that fetches a
// model or adapter at pod start (`node fetch-artifact.js --uri … [--sha256 …] --dest …`):
// its exit codes, which the operator maps to ArtifactVerified reasons, and the one command
// line both the encoder and the LLM image run it with. Without --sha256 (a ModelVersion
// whose digest is unset) the bytes are fetched unchecked and the digest they have is
// printed, so it can be recorded.
import { parseArgs } from "node:util";

export const FETCH_ARTIFACT_EXIT = {
  fetched: 0,
  badArguments: 2,
  /** HTTP error, server unreachable, missing file. */
  notFetched: 3,
  digestMismatch: 4,
} as const;

/** Thrown by a fetcher when the bytes it got do not have the expected digest. */
export class DigestMismatch extends Error {}

export interface ArtifactFetcher {
  usage: string;
  /** Checks a `sha256:<hex>` digest, throwing a readable error when it is malformed. */
  checkDigest: (digest: string) => void;
  /** `digest` undefined: fetch without checking, and report the digest the bytes have. */
  fetch: (uri: string, digest: string | undefined, dest: string) => Promise<object>;
}

function parse(argv: string[], fetcher: ArtifactFetcher) {
  const { values } = parseArgs({
    args: argv,
    options: { uri: { type: "string" }, sha256: { type: "string" }, dest: { type: "string" } },
    strict: true,
  });
  const { uri, sha256, dest } = values;
  if (!uri || !dest) throw new Error("--uri and --dest are required");
  if (sha256 === undefined) return { uri, digest: undefined, dest };
  const digest = sha256.startsWith("sha256:") ? sha256 : `sha256:${sha256}`;
  fetcher.checkDigest(digest);
  return { uri, digest, dest };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs the entry on `argv`; prints what it fetched (JSON) or why not; returns the exit code. */
export async function runFetchArtifact(argv: string[], fetcher: ArtifactFetcher): Promise<number> {
  let args;
  try {
    args = parse(argv, fetcher);
  } catch (error) {
    console.error(`${message(error)}\n${fetcher.usage}`);
    return FETCH_ARTIFACT_EXIT.badArguments;
  }
  const started = performance.now();
  try {
    const fetched = await fetcher.fetch(args.uri, args.digest, args.dest);
    const seconds = Math.round(performance.now() - started) / 1000;
    console.log(JSON.stringify({ ...fetched, seconds }));
    return FETCH_ARTIFACT_EXIT.fetched;
  } catch (error) {
    console.error(message(error));
    return error instanceof DigestMismatch
      ? FETCH_ARTIFACT_EXIT.digestMismatch
      : FETCH_ARTIFACT_EXIT.notFetched;
  }
}
