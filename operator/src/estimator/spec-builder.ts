// Builds FineTuneJob specs for tests: a valid minimal spec plus the fields a case varies.
import type { FineTuneJobSpec } from "@kubetune/api";

export interface SpecOptions {
  parameters?: string;
  method?: FineTuneJobSpec["method"];
  task?: NonNullable<FineTuneJobSpec["task"]>;
  lora?: NonNullable<FineTuneJobSpec["lora"]>;
  quantization?: NonNullable<FineTuneJobSpec["quantization"]>;
  hyperparameters?: NonNullable<FineTuneJobSpec["hyperparameters"]>;
}

/** A spec with only the required fields, so every default is the estimator's to apply. */
export function aSpec(options: SpecOptions = {}): FineTuneJobSpec {
  const classification = options.task === "sequence-classification";
  const { parameters = "8B", method = "qlora", ...optional } = options;
  return {
    model: "arxiv-classifier",
    baseModel: { name: "base", uri: "s3://models/base/", parameters },
    dataset: { uri: "s3://datasets/train.jsonl", format: classification ? "text-label" : "alpaca" },
    method,
    output: { uri: "s3://models/out/", format: classification ? "onnx" : "gguf" },
    ...optional,
  };
}

export const QKVO = ["q_proj", "k_proj", "v_proj", "o_proj"];
export const ALL_LINEAR = [...QKVO, "gate_proj", "up_proj", "down_proj"];

/** The contract run: Llama-3-8B QLoRA r16 on q/k/v/o, batch 4, seq 512, ckpt. */
export function contractSpec(): FineTuneJobSpec {
  return aSpec({
    parameters: "8B",
    method: "qlora",
    lora: { r: 16, alpha: 32, dropout: "0.05", targetModules: QKVO },
    quantization: { bits: 4, type: "nf4", doubleQuant: true },
    hyperparameters: { batchSize: 4, maxSeqLength: 512, gradientCheckpointing: true },
  });
}
