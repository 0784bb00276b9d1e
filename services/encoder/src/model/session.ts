// The ONNX Runtime session and one batched run: pad the batch's windows to its longest,
// feed input_ids and attention_mask (and zero token_type_ids when the model has them),
// read logits. Session options suit a shared 2-core pod (see the service README).
import * as ort from "onnxruntime-node";
import type { PackedWindows } from "./packed-windows.js";
import { batchTensors, packWindows } from "./packed-windows.js";

export interface SessionSettings {
  /** Intra-op threads; 1 or 2 on a 2-core pod. */
  threads: number;
}

export interface ClassifierSession {
  /** Logits for each window, in order. */
  run(windows: readonly (readonly number[])[]): Promise<Float32Array[]>;
  readonly inputNames: readonly string[];
  release(): Promise<void>;
  /** Called when the session dies on its own (its worker exited): the model is gone. */
  onLost?: (listener: (reason: string) => void) => void;
}

/** The session as the model worker holds it: it also takes windows already packed. */
export interface LocalSession extends ClassifierSession {
  runPacked(packed: PackedWindows): Promise<Float32Array[]>;
}

const REQUIRED_INPUTS = ["input_ids", "attention_mask"];
const OUTPUT = "logits";

export function sessionOptions(settings: SessionSettings): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: settings.threads,
    interOpNumThreads: 1,
    // Batches vary in length; the arena would keep the largest one's memory for ever.
    enableCpuMemArena: false,
    // Spinning threads burn CPU between requests that neighbours on the node need.
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
}

function checkSignature(session: ort.InferenceSession): void {
  for (const name of REQUIRED_INPUTS) {
    if (!session.inputNames.includes(name)) {
      throw new Error(
        `model.onnx has no input "${name}" (inputs: ${session.inputNames.join(", ")})`,
      );
    }
  }
  if (!session.outputNames.includes(OUTPUT)) {
    throw new Error(
      `model.onnx has no output "logits" (outputs: ${session.outputNames.join(", ")})`,
    );
  }
}

export async function createSession(
  modelFile: string,
  settings: SessionSettings,
  padId: number,
): Promise<LocalSession> {
  const session = await ort.InferenceSession.create(modelFile, sessionOptions(settings));
  checkSignature(session);
  const wantsTypes = session.inputNames.includes("token_type_ids");
  const runPacked = async (packed: PackedWindows) => {
    const { ids, mask, dims } = batchTensors(packed, padId);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", ids, dims),
      attention_mask: new ort.Tensor("int64", mask, dims),
    };
    if (wantsTypes)
      feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(ids.length), dims);
    const out = await session.run(feeds, [OUTPUT]);
    const logits = out[OUTPUT];
    if (logits === undefined) throw new Error("model.onnx returned no logits");
    const data = logits.data as Float32Array;
    const rows = packed.lengths.length;
    const width = data.length / rows;
    return Array.from({ length: rows }, (_, row) => data.slice(row * width, (row + 1) * width));
  };
  return {
    inputNames: session.inputNames,
    run: (windows) => runPacked(packWindows(windows)),
    runPacked,
    release: () => session.release(),
  };
}
