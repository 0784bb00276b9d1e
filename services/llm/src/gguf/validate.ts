// Checks a GGUF header for what llama.cpp assumes without checking (it aborts the whole
// process on a missing hyperparameter), so a bad file fails with a message instead.
import type { GgufHeader, GgufTensorInfo, GgufValue } from "./types.js";

/** Bytes per block and elements per block of the ggml types we can size; others are only range-checked. */
const TYPE_SIZES: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  30: [2, 1], // BF16
};

/** Hyperparameters every llama.cpp text architecture reads as required. */
const REQUIRED_HPARAMS = [
  "context_length",
  "embedding_length",
  "block_count",
  "feed_forward_length",
  "attention.head_count",
];

const isPositive = (v: GgufValue | undefined): boolean =>
  (typeof v === "number" && v > 0) ||
  (typeof v === "bigint" && v > 0n) ||
  (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number"));

function tensorBytes(tensor: GgufTensorInfo): number | undefined {
  const size = TYPE_SIZES[tensor.ggmlType];
  if (!size) return undefined;
  const elements = tensor.dims.reduce((a, b) => a * b, 1);
  return (elements / size[1]) * size[0];
}

function checkTensorsFit(header: GgufHeader, fileSize: number): string[] {
  const dataBytes = fileSize - header.dataOffset;
  const problems: string[] = [];
  for (const tensor of header.tensors) {
    const end = tensor.offset + (tensorBytes(tensor) ?? 1);
    if (end > dataBytes) problems.push(`tensor ${tensor.name} lies past the end of the file`);
  }
  return problems.slice(0, 3);
}

function architectureOf(header: GgufHeader): string {
  const arch = header.metadata.get("general.architecture");
  if (typeof arch !== "string" || arch === "") throw new Error("GGUF has no general.architecture");
  return arch;
}

/** Throws with every problem found if a base model would not load safely. */
export function validateModelHeader(
  header: GgufHeader,
  fileSize: number,
): { architecture: string } {
  const architecture = architectureOf(header);
  const problems = REQUIRED_HPARAMS.filter(
    (key) => !isPositive(header.metadata.get(`${architecture}.${key}`)),
  ).map((key) => `missing or invalid ${architecture}.${key}`);
  const tokens = header.metadata.get("tokenizer.ggml.tokens");
  if (!Array.isArray(tokens) || tokens.length === 0) problems.push("missing tokenizer.ggml.tokens");
  if (header.metadata.get("general.type") === "adapter")
    problems.push("the file is an adapter, not a model");
  if (header.tensors.length === 0) problems.push("the file has no tensors");
  problems.push(...checkTensorsFit(header, fileSize));
  if (problems.length > 0) throw new Error(`invalid GGUF model: ${problems.join("; ")}`);
  return { architecture };
}

/** Throws unless the file is a LoRA adapter for `baseArchitecture`. */
export function validateAdapterHeader(
  header: GgufHeader,
  fileSize: number,
  baseArchitecture: string,
): void {
  const problems: string[] = [];
  if (header.metadata.get("general.type") !== "adapter")
    problems.push("general.type is not adapter");
  if (header.metadata.get("adapter.type") !== "lora") problems.push("adapter.type is not lora");
  const architecture = header.metadata.get("general.architecture");
  if (architecture !== baseArchitecture)
    problems.push(
      `architecture ${String(architecture)} does not match the base ${baseArchitecture}`,
    );
  const names = new Set(header.tensors.map((t) => t.name));
  const unpaired = [...names].filter((name) => {
    const pair = name.endsWith(".lora_a") ? name.replace(/a$/, "b") : name.replace(/b$/, "a");
    return !(name.endsWith(".lora_a") || name.endsWith(".lora_b")) || !names.has(pair);
  });
  if (names.size === 0) problems.push("the adapter has no tensors");
  if (unpaired.length > 0)
    problems.push(`unpaired LoRA tensors: ${unpaired.slice(0, 3).join(", ")}`);
  problems.push(...checkTensorsFit(header, fileSize));
  if (problems.length > 0) throw new Error(`invalid GGUF LoRA adapter: ${problems.join("; ")}`);
}
