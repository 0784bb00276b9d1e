// The ClassifierSession the service uses: the session lives in a worker thread
// (session-worker.ts) and batches travel as messages; logits come back transferred.
import { Worker } from "node:worker_threads";
import type { ClassifierSession, SessionSettings } from "./session.js";

export interface WorkerData {
  modelFile: string;
  threads: number;
  padId: number;
}

export type ToWorker =
  { type: "run"; id: number; windows: readonly (readonly number[])[] } | { type: "release" };

type FromWorker =
  | { type: "ready"; inputNames: string[] }
  | { type: "load-failed"; message: string }
  | { type: "result"; id: number; logits: Float32Array[] }
  | { type: "failed"; id: number; message: string };

interface Pending {
  resolve: (logits: Float32Array[]) => void;
  reject: (error: Error) => void;
}

/**
 * The worker's entry file beside the module that starts it. Run from source (tsx, vitest)
 * the module is a .ts file and the entry is session-worker.mjs, which registers tsx in
 * the new thread first; in a bundle (the container image) the module is bundled
 * JavaScript and the entry is the bundled session-worker.js in the same folder.
 */
export function workerEntry(moduleUrl: string): URL {
  const source = new URL(moduleUrl).pathname.endsWith(".ts");
  return new URL(source ? "./session-worker.mjs" : "./session-worker.js", moduleUrl);
}

const WORKER = workerEntry(import.meta.url);

export function createWorkerSession(
  modelFile: string,
  settings: SessionSettings,
  padId: number,
): Promise<ClassifierSession> {
  const data: WorkerData = { modelFile, threads: settings.threads, padId };
  const worker = new Worker(WORKER, { workerData: data });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let released = false;
  const lost: ((reason: string) => void)[] = [];
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  return new Promise((resolve, reject) => {
    worker.on("error", (error) => {
      failAll(error);
      reject(error);
    });
    worker.on("exit", (code) => {
      failAll(new Error(`the model worker exited with code ${code}`));
      if (!released)
        for (const listener of lost) listener(`the model worker exited with code ${code}`);
      reject(new Error(`the model worker exited with code ${code} before loading`));
    });
    worker.on("message", (message: FromWorker) => {
      switch (message.type) {
        case "ready":
          resolve({
            ...session(worker, message.inputNames, pending, () => nextId++),
            release: async () => {
              released = true;
              await releaseWorker(worker);
            },
            onLost: (listener) => lost.push(listener),
          });
          return;
        case "load-failed":
          void worker.terminate();
          reject(new Error(message.message));
          return;
        case "result":
          pending.get(message.id)?.resolve(message.logits);
          pending.delete(message.id);
          return;
        case "failed":
          pending.get(message.id)?.reject(new Error(message.message));
          pending.delete(message.id);
      }
    });
  });
}

function session(
  worker: Worker,
  inputNames: string[],
  pending: Map<number, Pending>,
  id: () => number,
): Pick<ClassifierSession, "inputNames" | "run"> {
  return {
    inputNames,
    run(windows) {
      return new Promise((resolve, reject) => {
        const request = id();
        pending.set(request, { resolve, reject });
        worker.postMessage({ type: "run", id: request, windows } satisfies ToWorker);
      });
    },
  };
}

async function releaseWorker(worker: Worker): Promise<void> {
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.postMessage({ type: "release" } satisfies ToWorker);
  await exited;
}
