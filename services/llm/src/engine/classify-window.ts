// One window of a document through the model: the label scores from token probabilities
// (teacher-forcing each label after the prompt) and the grammar-constrained answer.
import { LlamaGrammarEvaluationState } from "node-llama-cpp";
import type { LlamaContextSequence, LlamaGrammar, Token } from "node-llama-cpp";
import type { WindowOutcome } from "../classify/aggregate.js";

export interface LabelTokens {
  label: string;
  tokens: Token[];
}

const FLOOR = 1e-12;

/** Σ log p(label token | prompt, earlier label tokens); the prompt is already in the sequence. */
async function labelLogProb(
  sequence: LlamaContextSequence,
  last: Token,
  label: Token[],
): Promise<number> {
  const start = sequence.nextTokenIndex;
  const input = [last, ...label.slice(0, -1)].map(
    (token) =>
      [token, { generateNext: { probabilities: true } }] as [
        Token,
        { generateNext: { probabilities: true } },
      ],
  );
  const outputs = await sequence.controlledEvaluate(input);
  await sequence.eraseContextTokenRanges([{ start, end: sequence.nextTokenIndex }]);
  return label.reduce(
    (sum, token, i) =>
      sum + Math.log(Math.max(FLOOR, outputs[i]?.next.probabilities?.get(token) ?? 0)),
    0,
  );
}

async function constrainedAnswer(
  sequence: LlamaContextSequence,
  last: Token,
  grammar: LlamaGrammar,
  maxTokens: number,
): Promise<string> {
  const grammarEvaluationState = new LlamaGrammarEvaluationState({
    model: sequence.model,
    grammar,
  });
  const tokens: Token[] = [];
  for await (const token of sequence.evaluate([last], { temperature: 0, grammarEvaluationState })) {
    tokens.push(token);
    if (tokens.length >= maxTokens) break;
  }
  return sequence.model.detokenize(tokens);
}

export interface WindowInput {
  prompt: Token[];
  labels: LabelTokens[];
  grammar: LlamaGrammar;
  /** Splits the constrained answer into labels ("cs.AI" or "cs.AI,cs.CV"). */
  parse: (answer: string) => string[];
  signal: AbortSignal;
}

export async function classifyWindow(
  sequence: LlamaContextSequence,
  input: WindowInput,
): Promise<WindowOutcome> {
  await sequence.clearHistory();
  const head = input.prompt.slice(0, -1);
  const last = input.prompt.at(-1);
  if (last === undefined) throw new Error("empty classify prompt");
  // Evaluate the prompt but its last token once; each label and the answer continue from there.
  if (head.length > 0) await sequence.controlledEvaluate(head);
  const logProbs: number[] = [];
  for (const label of input.labels) {
    input.signal.throwIfAborted();
    logProbs.push(await labelLogProb(sequence, last, label.tokens));
  }
  const longest = Math.max(...input.labels.map((l) => l.tokens.length));
  const answer = await constrainedAnswer(
    sequence,
    last,
    input.grammar,
    (longest + 2) * input.labels.length,
  );
  return { logProbs, answer: input.parse(answer) };
}
