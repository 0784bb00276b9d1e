// The ONNX Runtime session and one batched run: pad the batch's windows to its longest,
// feed input_ids and attention_mask (and zero token_type_ids when the model has them),
// read logits. Session options suit a shared 2-core pod (see the service README).
import * as ort from "onnxruntime-node";

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

/** Row-major [batch, seq] int64 tensors, padded with padId / mask 0. */
export function batchTensors(
  windows: readonly (readonly number[])[],
  padId: number,
): { ids: BigInt64Array; mask: BigInt64Array; dims: [number, number] } {
  const seq = windows.reduce((max, w) => Math.max(max, w.length), 0);
  const ids = new BigInt64Array(windows.length * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(windows.length * seq);
  windows.forEach((window, row) => {
    for (let t = 0; t < window.length; t++) {
      ids[row * seq + t] = BigInt(window[t] ?? padId);
      mask[row * seq + t] = 1n;
    }
  });
  return { ids, mask, dims: [windows.length, seq] };
}

export async function createSession(
  modelFile: string,
  settings: SessionSettings,
  padId: number,
): Promise<ClassifierSession> {
  const session = await ort.InferenceSession.create(modelFile, sessionOptions(settings));
  checkSignature(session);
  const wantsTypes = session.inputNames.includes("token_type_ids");
  return {
    inputNames: session.inputNames,
    async run(windows) {
      const { ids, mask, dims } = batchTensors(windows, padId);
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
      const width = data.length / windows.length;
      return windows.map((_, row) => data.slice(row * width, (row + 1) * width));
    },
    release: () => session.release(),
  };
}
