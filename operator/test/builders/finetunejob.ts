// Builds FineTuneJobs for tests: the contract manifest by default, changed fluently.
import type { FineTuneJob, FineTuneJobSpec, FineTuneJobStatus } from "@kubetune/api";

export class FineTuneJobBuilder {
  private readonly object: FineTuneJob;

  constructor(name: string, namespace: string) {
    this.object = {
      apiVersion: "kubetune.io/v1alpha1",
      kind: "FineTuneJob",
      metadata: { name, namespace, uid: `uid-${name}`, generation: 1 },
      spec: {
        model: "arxiv-classifier",
        baseModel: {
          name: "meta-llama/Meta-Llama-3-8B",
          uri: "s3://models/meta-llama-3-8b/",
          parameters: "8B",
        },
        task: "causal-lm",
        dataset: {
          uri: "s3://datasets/arxiv/train.jsonl",
          format: "alpaca",
          validationSplit: "0.1",
        },
        method: "qlora",
        lora: {
          r: 16,
          alpha: 32,
          dropout: "0.05",
          targetModules: ["q_proj", "k_proj", "v_proj", "o_proj"],
        },
        quantization: { bits: 4, type: "nf4", doubleQuant: true },
        hyperparameters: {
          epochs: 3,
          learningRate: "2e-4",
          batchSize: 4,
          gradientAccumulationSteps: 4,
          maxSeqLength: 512,
          gradientCheckpointing: true,
        },
        resources: { gpu: { type: "auto", count: 1 } },
        output: {
          uri: "s3://models/arxiv-classifier/",
          format: "gguf",
          credentialsSecret: "model-store",
        },
        backoffLimit: 2,
      },
    };
  }

  spec(change: Partial<FineTuneJobSpec>): this {
    Object.assign(this.object.spec, change);
    return this;
  }

  status(status: FineTuneJobStatus): this {
    this.object.status = status;
    return this;
  }

  obj(): FineTuneJob {
    return structuredClone(this.object);
  }
}

export function makeFineTuneJob(name = "ftj-a", namespace = "ml"): FineTuneJobBuilder {
  return new FineTuneJobBuilder(name, namespace);
}
