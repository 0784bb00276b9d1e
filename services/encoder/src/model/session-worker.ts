// Worker thread that owns the ONNX Runtime session. onnxruntime-node runs a session
// synchronously on its caller's thread; here that thread is this worker, so the service's
// event loop keeps answering health checks, metrics and new requests during a model run.
import { parentPort, workerData } from "node:worker_threads";
import type { ToWorker, WorkerData } from "./worker-session.js";
import { createSession } from "./session.js";

const port = parentPort;
if (port === null) throw new Error("session-worker.ts must run as a worker thread");
const data = workerData as WorkerData;

try {
  const session = await createSession(data.modelFile, { threads: data.threads }, data.padId);
  port.on("message", (message: ToWorker) => {
    if (message.type === "release") {
      void session.release().finally(() => {
        port.close();
      });
      return;
    }
    session.run(message.windows).then(
      (logits) => {
        port.postMessage(
          { type: "result", id: message.id, logits },
          logits.map((row) => row.buffer as ArrayBuffer),
        );
      },
      (error: unknown) => {
        port.postMessage({
          type: "failed",
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  });
  port.postMessage({ type: "ready", inputNames: session.inputNames });
} catch (error) {
  port.postMessage({
    type: "load-failed",
    message: error instanceof Error ? error.message : String(error),
  });
}
