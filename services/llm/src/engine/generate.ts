// Token-by-token generation on one leased sequence: sampling options, an optional
// grammar, stop sequences, max_tokens and cancellation. Yields text deltas as they become
// safe to send and returns the totals.
import { LlamaGrammarEvaluationState, TokenBias } from "node-llama-cpp";
import type { LlamaContextSequence, LlamaGrammar, Token } from "node-llama-cpp";
import type { Sampling } from "../openai/validate.js";
import { StopScanner } from "./stop-scanner.js";
import type { ScanStep } from "./stop-scanner.js";

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

/** Forbids every end-of-generation token the model names. */
function noEndOfGeneration(sequence: LlamaContextSequence): TokenBias {
  const { tokens } = sequence.model;
  const bias = new TokenBias(sequence.model.tokenizer);
  for (const token of new Set([tokens.eos, tokens.eot]))
    if (token !== null) bias.set(token, "never");
  return bias;
}

function evaluateOptions(sequence: LlamaContextSequence, input: GenerateInput) {
  const { temperature, topP, seed, ignoreEos } = input.sampling;
  const grammarEvaluationState = input.grammar
    ? new LlamaGrammarEvaluationState({ model: sequence.model, grammar: input.grammar })
    : undefined;
  return {
    temperature,
    topP,
    ...(seed === undefined ? {} : { seed }),
    ...(grammarEvaluationState ? { grammarEvaluationState } : {}),
    ...(ignoreEos ? { tokenBias: noEndOfGeneration(sequence) } : {}),
  };
}

/** What has been generated so far, and what of it was sent. */
class Progress {
  readonly tokens: Token[] = [];
  sent = "";
  firstTokenSeconds: number | undefined;
  private readonly scanner: StopScanner;
  private readonly started = performance.now();

  constructor(
    private readonly sequence: LlamaContextSequence,
    stop: string[],
  ) {
    this.scanner = new StopScanner(stop);
  }

  /** Adds a token; returns the text now safe to send and whether a stop sequence ended it. */
  push(token: Token): ScanStep {
    this.firstTokenSeconds ??= (performance.now() - this.started) / 1000;
    this.tokens.push(token);
    const step = this.scanner.push(this.sequence.model.detokenize(this.tokens));
    this.sent += step.emit;
    return step;
  }

  flush(): string {
    const rest = this.scanner.flush(this.sequence.model.detokenize(this.tokens));
    this.sent += rest;
    return rest;
  }
}

export async function* generate(
  sequence: LlamaContextSequence,
  input: GenerateInput,
): AsyncGenerator<string, GenerateResult> {
  await sequence.clearHistory();
  const progress = new Progress(sequence, input.sampling.stop);
  // Never run past the context: a prompt this long was refused before.
  const budget = Math.min(
    input.sampling.maxTokens,
    sequence.context.contextSize - input.prompt.length,
  );
  let finishReason: FinishReason = "stop";
  let stopped = false;
  for await (const token of sequence.evaluate(input.prompt, evaluateOptions(sequence, input))) {
    input.signal.throwIfAborted();
    input.onToken?.();
    const step = progress.push(token);
    if (step.emit !== "") yield step.emit;
    stopped = step.stopped;
    if (stopped) break;
    if (progress.tokens.length >= budget) {
      finishReason = "length";
      break;
    }
  }
  input.signal.throwIfAborted();
  const rest = stopped ? "" : progress.flush();
  if (rest !== "") yield rest;
  const { sent: text, tokens, firstTokenSeconds } = progress;
  return {
    text,
    promptTokens: input.prompt.length,
    completionTokens: tokens.length,
    finishReason,
    firstTokenSeconds,
  };
}
