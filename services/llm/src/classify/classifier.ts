// /v1/classify on the LLM: every document is split into token windows that fit the
// context, each window is scored and answered on a leased sequence, and the windows are
// aggregated into the shared ClassifyResult.
import type { ClassifyRequest, ClassifyResult } from "@kubetune/api";
import type { Token } from "node-llama-cpp";
import type { LlamaEngine } from "../engine/llama-engine.js";
import { classifyWindow } from "../engine/classify-window.js";
import type { LabelTokens } from "../engine/classify-window.js";
import { aggregate, windowsOf } from "./aggregate.js";
import { labelGrammar, parseAnswer, promptParts } from "./prompt.js";

export interface LabelConfig {
  labels: string[];
  multiLabel: boolean;
  prompt: string;
  /** The adapter that answers /v1/classify (a fine-tuned classifier); the base when unset. */
  adapter?: string | undefined;
}

export interface ClassifyHooks {
  /** Called with the seconds a window waited for a sequence. */
  onQueueWait(seconds: number): void;
}

export class Classifier {
  private readonly before: Token[];
  private readonly after: Token[];
  private readonly labelTokens: LabelTokens[];

  constructor(
    private readonly engine: LlamaEngine,
    private readonly config: LabelConfig,
  ) {
    const { model } = engine;
    const parts = promptParts(config.prompt, config.labels);
    const bos =
      model.tokens.bos !== null && model.tokens.shouldPrependBosToken ? [model.tokens.bos] : [];
    this.before = [...bos, ...model.tokenize(parts.before)];
    this.after = model.tokenize(parts.after, false, "trimLeadingSpace");
    this.labelTokens = config.labels.map((label) => ({
      label,
      tokens: model.tokenize(` ${label}`, false, "trimLeadingSpace"),
    }));
  }

  /** Tokens of the document one window may hold, leaving room for the prompt and an answer. */
  private windowSize(): number {
    const answer = this.labelTokens.reduce((sum, l) => sum + l.tokens.length + 1, 0);
    return Math.max(
      16,
      this.engine.contextSize - this.before.length - this.after.length - answer - 8,
    );
  }

  async classify(
    request: ClassifyRequest,
    signal: AbortSignal,
    hooks: ClassifyHooks,
  ): Promise<ClassifyResult[]> {
    const grammar = await this.engine.grammar(
      labelGrammar(this.config.labels, this.config.multiLabel),
    );
    const { adapter } = this.config;
    const variant = this.engine.variant(
      adapter === undefined ? undefined : `${this.engine.options.name}:${adapter}`,
    );
    const results: ClassifyResult[] = [];
    for (const document of request.documents) {
      const text = this.engine.model.tokenize(document.text, false, "trimLeadingSpace");
      const windows = [];
      for (const window of windowsOf(text, this.windowSize())) {
        const lease = await variant.pool.acquire(signal);
        hooks.onQueueWait(lease.waitedSeconds);
        try {
          const prompt = [...this.before, ...window, ...this.after];
          const parse = (answer: string) => parseAnswer(answer, this.config.labels);
          windows.push(
            await classifyWindow(lease.item, {
              prompt,
              labels: this.labelTokens,
              grammar,
              parse,
              signal,
            }),
          );
        } finally {
          lease.release();
        }
      }
      const { labels, multiLabel } = this.config;
      results.push(
        aggregate({ id: document.id, labels, multiLabel, topK: request.topK ?? 3, windows }),
      );
    }
    return results;
  }
}
