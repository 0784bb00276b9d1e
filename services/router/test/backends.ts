// Small real HTTP backends for the router's component tests, on 127.0.0.1 and port 0:
// an encoder and an LLM that speak the /v1/classify contract, and OpenAI-style completion
// endpoints with SSE streaming. Each records what it received, so tests can assert the
// router's outgoing calls, and can be told to misbehave (slow, down, errors, garbage).
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ClassifyRequest, ClassifyResult } from "@kubetune/api";

export type Behaviour =
  "ok" | "slow" | "error-json" | "error-text" | "garbage" | "wrong-count" | "break-off";

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Backend {
  readonly url: string;
  readonly received: Received[];
  behaviour: Behaviour;
  delayMs: number;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Label every answer carries, so tests can tell backends apart. */
  readonly name: string;
  /** Top score for a document; the default is unsure (0.3) for text containing "unsure". */
  readonly score?: (text: string) => number;
  readonly version?: string;
  /** Listen on this port (one found free earlier) instead of any. */
  readonly port?: number;
}

const defaultScore = (text: string) => (text.includes("unsure") ? 0.3 : 0.95);

function classifyResults(body: string, options: BackendOptions): ClassifyResult[] {
  const request = JSON.parse(body) as ClassifyRequest;
  const score = options.score ?? defaultScore;
  return request.documents.map((doc) => {
    const top = score(doc.text);
    return {
      id: doc.id,
      labels: [
        { label: options.name, score: top },
        { label: "other", score: 1 - top },
      ],
      top: options.name,
      windows: 1,
    };
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** An OpenAI-style SSE stream: one chunk per 50 ms, so tests can see it arrive in pieces. */
function stream(res: ServerResponse, name: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent === 5) {
      clearInterval(timer);
      res.end("data: [DONE]\n\n");
      return;
    }
    const chunk = {
      object: "chat.completion.chunk",
      model: name,
      choices: [{ delta: { content: `t${sent}` } }],
    };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    sent++;
  }, 50);
  res.once("close", () => {
    clearInterval(timer);
  });
}

function answer(
  backend: Backend,
  options: BackendOptions,
  received: Received,
  res: ServerResponse,
) {
  const misbehaviour: Partial<Record<Behaviour, () => void>> = {
    "error-json": () => {
      json(res, 500, { error: `${options.name} failed` });
    },
    "error-text": () => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    },
    // Headers and part of the body, then the connection drops.
    "break-off": () => {
      const streaming = received.path !== "/v1/classify";
      res.writeHead(200, {
        "content-type": streaming ? "text/event-stream" : "application/json",
        ...(streaming ? {} : { "content-length": 1000 }),
      });
      res.write(streaming ? 'data: {"choices":[{"delta":{"content":"t0"}}]}\n\n' : '{"model":');
      setTimeout(() => res.socket?.destroy(), 50);
    },
    garbage: () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{not json");
    },
  };
  const special = misbehaviour[backend.behaviour];
  if (special) {
    special();
    return;
  }
  if (received.path === "/v1/classify") {
    const results = classifyResults(received.body, options);
    if (backend.behaviour === "wrong-count") results.pop();
    json(res, 200, {
      model: "arxiv-classifier",
      version: options.version ?? options.name,
      results,
    });
    return;
  }
  const body = JSON.parse(received.body || "{}") as { stream?: boolean };
  if (body.stream === true) {
    stream(res, options.name);
    return;
  }
  json(res, 200, {
    object: "text_completion",
    model: options.name,
    choices: [{ text: "ok" }],
  });
}

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const sockets = new Set<Socket>();
  const state: { backend?: Backend } = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received = {
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      const self = state.backend as Backend;
      self.received.push(received);
      const delay = self.behaviour === "slow" ? self.delayMs : 0;
      setTimeout(() => {
        answer(self, options, received, res);
      }, delay);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const backend: Backend = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    behaviour: "ok",
    delayMs: 2_000,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
  state.backend = backend;
  return backend;
}

/** A URL on which nothing listens: a port taken and released, so connections are refused. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return `http://127.0.0.1:${port}`;
}
