// Token-by-token generation on one leased sequence: sampling options, an optional
// grammar, stop sequences, max_tokens and cancellation. Yields text deltas as they become
// safe to send and returns the totals.
import { LlamaGrammarEvaluationState } from "node-llama-cpp";
import type { LlamaContextSequence, LlamaGrammar, Token } from "node-llama-cpp";
import type { Sampling } from "../openai/validate.js";
import { IncrementalDecoder } from "./decoder.js";
import { StopScanner } from "./stop-scanner.js";

export type FinishReason = "stop" | "length";

export interface GenerateResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: FinishReason;
  /** Seconds from the start of evaluation to the first generated token. */
  firstTokenSeconds: number | undefined;
}

export interface GenerateInput {
  prompt: Token[];
  sampling: Sampling;
  grammar: LlamaGrammar | undefined;
  signal: AbortSignal;
  /** Called for every generated token (live token counters). */
  onToken?: () => void;
}

function evaluateOptions(sequence: LlamaContextSequence, input: GenerateInput) {
  const { temperature, topP, seed } = input.sampling;
  const grammarEvaluationState = input.grammar
    ? new LlamaGrammarEvaluationState({ model: sequence.model, grammar: input.grammar })
    : undefined;
  return {
    temperature,
    topP,
    // node-llama-cpp defaults top_k to 40; OpenAI has no top_k, so sample from the whole vocabulary.
    topK: 0,
    // End-of-generation tokens come back to us, so the loop (not the library) decides to stop.
    yieldEogToken: true,
    ...(seed === undefined ? {} : { seed }),
    ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
  };
}

/** What has been generated so far, what of it was sent, and why it ended. */
class Progress {
  readonly tokens: Token[] = [];
  sent = "";
  firstTokenSeconds: number | undefined;
  finishReason: FinishReason = "stop";
  /** Set when a stop sequence or the token budget ended generation. */
  done = false;
  private readonly scanner: StopScanner;
  private readonly decoder: IncrementalDecoder<Token>;
  private text = "";
  private readonly started = performance.now();

  constructor(
    sequence: LlamaContextSequence,
    stop: string[],
    private readonly budget: number,
  ) {
    this.scanner = new StopScanner(stop);
    this.decoder = new IncrementalDecoder((tokens, last) =>
      sequence.model.detokenize(tokens, false, last),
    );
  }

  /** Adds a token; returns the text now safe to send. */
  push(token: Token): string {
    this.firstTokenSeconds ??= (performance.now() - this.started) / 1000;
    this.tokens.push(token);
    this.text = this.decoder.push(token);
    const step = this.scanner.push(this.text);
    this.sent += step.emit;
    if (step.stopped) this.done = true;
    else if (this.tokens.length >= this.budget) [this.done, this.finishReason] = [true, "length"];
    return step.emit;
  }

  /** What is still held back, unless a stop sequence ended generation. */
  flush(): string {
    if (this.done && this.finishReason === "stop") return "";
    const rest = this.scanner.flush(this.text);
    this.sent += rest;
    return rest;
  }

  result(promptTokens: number): GenerateResult {
    const { sent: text, tokens, finishReason, firstTokenSeconds } = this;
    return { text, promptTokens, completionTokens: tokens.length, finishReason, firstTokenSeconds };
  }
}

export async function* generate(
  sequence: LlamaContextSequence,
  input: GenerateInput,
): AsyncGenerator<string, GenerateResult> {
  await sequence.clearHistory();
  // Never run past the context: a prompt this long was refused before.
  const budget = Math.min(
    input.sampling.maxTokens,
    sequence.context.contextSize - input.prompt.length,
  );
  const progress = new Progress(sequence, input.sampling.stop, budget);
  for await (const token of sequence.evaluate(input.prompt, evaluateOptions(sequence, input))) {
    input.signal.throwIfAborted();
    // With ignore_eos (vLLM's meaning) an end token is generated, counted and passed over.
    if (!input.sampling.ignoreEos && sequence.model.isEogToken(token)) break;
    input.onToken?.();
    const emit = progress.push(token);
    if (emit !== "") yield emit;
    if (progress.done) break;
  }
  input.signal.throwIfAborted();
  const rest = progress.flush();
  if (rest !== "") yield rest;
  return progress.result(input.prompt.length);
}
