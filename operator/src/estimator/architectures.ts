// Layer shapes of well-known base models, and how a declared parameter count ("8B",
// "350M") maps onto one of them. The shapes are those of the models' published
// configurations; parameter counts are computed from the shapes, not copied.
import { EstimatorInputError } from "./errors.js";

/** decoder: Llama-style causal LM (RMSNorm, gated MLP); encoder: BERT-style. */
export type ArchitectureFamily = "decoder" | "encoder";

export interface Architecture {
  name: string;
  /** The size in the model's name ("8B"): a declared count equal to it picks this shape. */
  nominal: string;
  family: ArchitectureFamily;
  hiddenSize: number;
  layers: number;
  intermediateSize: number;
  attentionHeads: number;
  /** Key/value heads (grouped-query attention); equal to attentionHeads without GQA. */
  kvHeads: number;
  vocabSize: number;
  /** Whether the output head shares the input embedding matrix. */
  tiedEmbeddings: boolean;
}

export interface ResolvedArchitecture extends Architecture {
  /** Parameters of the shape, equal to the declared count when the shape was scaled. */
  parameters: number;
  /** Set when no known shape was within 10% of the declared count. */
  scaledFrom?: string;
}

const decoder = (
  [name, nominal]: readonly [string, string],
  [hiddenSize, layers, intermediateSize, attentionHeads, kvHeads]: readonly number[],
  vocabSize: number,
  tiedEmbeddings: boolean,
): Architecture => ({
  name,
  nominal,
  family: "decoder",
  hiddenSize: hiddenSize ?? 0,
  layers: layers ?? 0,
  intermediateSize: intermediateSize ?? 0,
  attentionHeads: attentionHeads ?? 0,
  kvHeads: kvHeads ?? 0,
  vocabSize,
  tiedEmbeddings,
});

const encoder = (
  [name, nominal]: readonly [string, string],
  [hiddenSize, layers, intermediateSize, attentionHeads]: readonly number[],
): Architecture => ({
  name,
  nominal,
  family: "encoder",
  hiddenSize: hiddenSize ?? 0,
  layers: layers ?? 0,
  intermediateSize: intermediateSize ?? 0,
  attentionHeads: attentionHeads ?? 0,
  kvHeads: attentionHeads ?? 0,
  vocabSize: 30522,
  tiedEmbeddings: true,
});

/** [name, nominal size], [hidden, layers, intermediate, heads, kv heads], vocabulary, tied. */
export const KNOWN_ARCHITECTURES: readonly Architecture[] = [
  decoder(["SmolLM2-135M", "135M"], [576, 30, 1536, 9, 3], 49152, true),
  decoder(["SmolLM2-360M", "360M"], [960, 32, 2560, 15, 5], 49152, true),
  decoder(["Llama-3.2-1B", "1B"], [2048, 16, 8192, 32, 8], 128256, true),
  decoder(["TinyLlama-1.1B", "1.1B"], [2048, 22, 5632, 32, 4], 32000, false),
  decoder(["Llama-3.2-3B", "3B"], [3072, 28, 8192, 24, 8], 128256, true),
  decoder(["Mistral-7B", "7B"], [4096, 32, 14336, 32, 8], 32000, false),
  decoder(["Llama-3-8B", "8B"], [4096, 32, 14336, 32, 8], 128256, false),
  decoder(["Llama-2-13B", "13B"], [5120, 40, 13824, 40, 40], 32000, false),
  decoder(["Llama-3-70B", "70B"], [8192, 80, 28672, 64, 8], 128256, false),
  encoder(["DistilBERT-base", "66M"], [768, 6, 3072, 12]),
  encoder(["BERT-base", "110M"], [768, 12, 3072, 12]),
  encoder(["BERT-large", "340M"], [1024, 24, 4096, 16]),
];

/** Encoders are only considered for classification runs up to this size. */
const ENCODER_MAX_PARAMETERS = 1e9;
/** A known shape within this relative distance of the declared count is used as is. */
const MATCH_TOLERANCE = 0.1;
const ENCODER_POSITIONS = 512;

export function kvDim(arch: Architecture): number {
  return (arch.hiddenSize / arch.attentionHeads) * arch.kvHeads;
}

/** Weights of the linear layers inside the transformer blocks: what QLoRA quantizes. */
export function blockLinearParameters(arch: Architecture): number {
  const h = arch.hiddenSize;
  const mlp = (arch.family === "decoder" ? 3 : 2) * h * arch.intermediateSize;
  return arch.layers * (2 * h * h + 2 * h * kvDim(arch) + mlp);
}

/** Parameters that grow with the square of the hidden size: block weights, the pooler. */
function quadraticParameters(arch: Architecture): number {
  const pooler = arch.family === "encoder" ? arch.hiddenSize * arch.hiddenSize : 0;
  return blockLinearParameters(arch) + pooler;
}

/** Parameters that grow linearly with it: embeddings, output head, norms, biases. */
function linearParameters(arch: Architecture): number {
  const h = arch.hiddenSize;
  if (arch.family === "decoder") {
    const matrices = arch.tiedEmbeddings ? 1 : 2;
    return matrices * arch.vocabSize * h + (2 * arch.layers + 1) * h;
  }
  const biasesAndNorms = arch.layers * (9 * h + arch.intermediateSize);
  return (arch.vocabSize + ENCODER_POSITIONS) * h + biasesAndNorms + h;
}

export function parameterCount(arch: Architecture): number {
  return quadraticParameters(arch) + linearParameters(arch);
}

/** Parses the API's parameter count ("8B", "1.1B", "350M") into a number. */
export function parseParameterCount(text: string, field: string): number {
  const match = /^([0-9]{1,4}(?:\.[0-9]{1,3})?)([MB])$/.exec(text);
  const [, amount, unit] = match ?? [];
  if (amount === undefined || unit === undefined || Number(amount) <= 0) {
    throw new EstimatorInputError(field, `"${text}" is not a parameter count such as 8B or 350M`);
  }
  return Number(amount) * (unit === "B" ? 1e9 : 1e6);
}

/** The display form of a parameter count: 8.03B, 66.96M. */
export function formatParameterCount(count: number): string {
  return count >= 1e9 ? `${(count / 1e9).toFixed(2)}B` : `${(count / 1e6).toFixed(2)}M`;
}

/**
 * The shape the estimate assumes for a declared parameter count. Classification runs up
 * to 1B parameters use the encoder shapes; everything else the decoder shapes. A shape
 * whose name carries the declared size ("8B") is used as is, then the nearest shape
 * (by ratio) if it is within 10%; otherwise the nearest shape's hidden and intermediate
 * sizes are scaled so that its parameter count equals the declared one.
 */
export function resolveArchitecture(
  declared: number,
  task: "causal-lm" | "sequence-classification",
): ResolvedArchitecture {
  const family: ArchitectureFamily =
    task === "sequence-classification" && declared <= ENCODER_MAX_PARAMETERS
      ? "encoder"
      : "decoder";
  const candidates = KNOWN_ARCHITECTURES.filter((arch) => arch.family === family);
  const named = candidates.find((arch) => parseParameterCount(arch.nominal, "") === declared);
  if (named !== undefined) return { ...named, parameters: parameterCount(named) };
  const nearest = nearestShape(declared, candidates);
  const parameters = parameterCount(nearest);
  if (Math.abs(Math.log(parameters / declared)) <= Math.log(1 + MATCH_TOLERANCE)) {
    return { ...nearest, parameters };
  }
  return scaleShape(nearest, declared);
}

function nearestShape(declared: number, candidates: readonly Architecture[]): Architecture {
  const distance = (arch: Architecture) => Math.abs(Math.log(parameterCount(arch) / declared));
  const [first, ...rest] = candidates;
  if (first === undefined) throw new Error("no architecture shapes are known");
  return rest.reduce((best, arch) => (distance(arch) < distance(best) ? arch : best), first);
}

/**
 * Scales hidden and intermediate sizes by k, keeping layers, heads and vocabulary:
 * block weights grow with k² and the rest with k, so k solves A·k² + B·k = declared.
 */
function scaleShape(base: Architecture, declared: number): ResolvedArchitecture {
  const quadratic = quadraticParameters(base);
  const linear = linearParameters(base);
  const k = (-linear + Math.sqrt(linear * linear + 4 * quadratic * declared)) / (2 * quadratic);
  const scaled: Architecture = {
    ...base,
    name: `${formatParameterCount(declared)} (scaled ${base.name})`,
    nominal: formatParameterCount(declared),
    hiddenSize: base.hiddenSize * k,
    intermediateSize: base.intermediateSize * k,
  };
  return { ...scaled, parameters: parameterCount(scaled), scaledFrom: base.name };
}
