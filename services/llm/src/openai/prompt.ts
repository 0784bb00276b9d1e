// From a validated request to prompt tokens: the model's own chat template for chat
// messages, the raw text (with BOS where the model wants one) for completions.
import type { ChatHistoryItem, Token } from "node-llama-cpp";
import type { LlamaEngine } from "../engine/llama-engine.js";
import { invalidInput } from "../errors.js";
import type { ChatMessage } from "./validate.js";

function historyItem(message: ChatMessage): ChatHistoryItem {
  if (message.role === "system") return { type: "system", text: message.content };
  if (message.role === "user") return { type: "user", text: message.content };
  return { type: "model", response: [message.content] };
}

export function chatPrompt(engine: LlamaEngine, messages: ChatMessage[]): Token[] {
  const chatHistory = [
    ...messages.map(historyItem),
    { type: "model", response: [] } as ChatHistoryItem,
  ];
  const { contextText } = engine.chatWrapper.generateContextState({ chatHistory });
  return contextText.tokenize(engine.model.tokenizer);
}

export function completionPrompt(engine: LlamaEngine, prompt: string): Token[] {
  const { tokens } = engine.model;
  const bos = tokens.bos !== null && tokens.shouldPrependBosToken ? [tokens.bos] : [];
  return [...bos, ...engine.model.tokenize(prompt)];
}

/** A prompt must leave room for at least one generated token. */
export function checkFits(prompt: Token[], contextSize: number): void {
  if (prompt.length >= contextSize)
    throw invalidInput(`the prompt is ${prompt.length} tokens; the context holds ${contextSize}`);
}
