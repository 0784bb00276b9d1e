// The harness's artifact server: a small static file server over the project's models
// directory (made by `npm run models`, cached outside the repo) on the real node's bridge
// address, so pods fetch `http://` artifacts the way they would from a cluster's store.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, normalize, sep } from "node:path";
import { cacheDir } from "../cluster/src/paths.js";

export const modelsDir = () => join(cacheDir(), "models");

export interface ArtifactServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * The file a request path names inside `root`, or an HTTP error: paths are decoded,
 * may not leave the root, and may not name hidden files (.complete markers, venvs' dot-dirs).
 */
export function resolveArtifact(
  root: string,
  urlPath: string,
): { file: string } | { status: number; error: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0] ?? "");
  } catch {
    return { status: 400, error: "the path is not valid percent-encoding" };
  }
  const relative = normalize(decoded).replace(/^\/+/, "");
  const segments = relative.split(sep);
  if (relative === "" || segments.some((s) => s === ".." || s.startsWith(".") || s === "")) {
    return { status: 404, error: `no artifact at ${decoded}` };
  }
  return { file: join(root, relative) };
}

function fileSize(file: string): number | undefined {
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}

function sendError(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error }));
}

function handle(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendError(res, 405, `${req.method ?? ""} is not allowed; use GET`);
    return;
  }
  const target = resolveArtifact(root, req.url ?? "/");
  if ("error" in target) {
    sendError(res, target.status, target.error);
    return;
  }
  const size = fileSize(target.file);
  if (size === undefined) {
    sendError(res, 404, `no artifact at ${req.url ?? ""}`);
    return;
  }
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": String(size),
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(target.file).pipe(res);
}

/** Serves `root` on host:0; the URL it returns has the port the kernel chose. */
export async function startArtifactServer(root: string, host: string): Promise<ArtifactServer> {
  const server = createServer((req, res) => {
    handle(root, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
