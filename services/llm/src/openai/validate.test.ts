import { describe, expect, it } from "vitest";
import { parseChatRequest, parseCompletionRequest } from "./validate.js";

const limits = { maxTokens: 100, defaultMaxTokens: 16 };
const user = [{ role: "user", content: "hi" }];

describe("OpenAI request validation", () => {
  it("when a chat request is minimal, fills OpenAI's defaults", () => {
    expect(parseChatRequest({ messages: user }, limits)).toEqual({
      model: undefined,
      messages: [{ role: "user", content: "hi" }],
      sampling: {
        maxTokens: 16,
        temperature: 1,
        topP: 1,
        seed: undefined,
        stop: [],
        ignoreEos: false,
      },
      stream: false,
      includeUsage: false,
      structured: undefined,
    });
  });

  it("when every option is set, carries them through", () => {
    const request = parseCompletionRequest(
      {
        model: "m:a",
        prompt: ["once"],
        max_tokens: 7,
        temperature: 0,
        top_p: 0.5,
        seed: 42,
        stop: "\n",
        stream: true,
        stream_options: { include_usage: true },
        ignore_eos: true,
      },
      limits,
    );

    expect(request).toMatchObject({
      model: "m:a",
      prompt: "once",
      sampling: {
        maxTokens: 7,
        temperature: 0,
        topP: 0.5,
        seed: 42,
        stop: ["\n"],
        ignoreEos: true,
      },
      stream: true,
      includeUsage: true,
    });
  });

  it("when content comes as text parts and the role is developer, joins them as a system message", () => {
    const request = parseChatRequest(
      {
        messages: [
          {
            role: "developer",
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
          ...user,
        ],
      },
      limits,
    );

    expect(request.messages[0]).toEqual({ role: "system", content: "ab" });
  });

  it.each([
    ["a body that is not an object", [], /JSON object/],
    ["empty messages", { messages: [] }, /non-empty array/],
    ["an unknown role", { messages: [{ role: "tool", content: "x" }] }, /role must be/],
    ["content that is a number", { messages: [{ role: "user", content: 3 }] }, /content must be/],
    [
      "a last message from the assistant",
      { messages: [{ role: "assistant", content: "x" }] },
      /last message/,
    ],
    [
      "max_tokens of 0",
      { messages: user, max_tokens: 0 },
      /max_tokens must be a number from 1 to 100/,
    ],
    ["max_tokens above the limit", { messages: user, max_tokens: 101 }, /max_tokens/],
    ["a fractional max_tokens", { messages: user, max_tokens: 2.5 }, /integer/],
    ["temperature 3", { messages: user, temperature: 3 }, /temperature/],
    ["top_p as a string", { messages: user, top_p: "1" }, /top_p/],
    ["a negative seed", { messages: user, seed: -1 }, /seed/],
    ["five stop sequences", { messages: user, stop: ["a", "b", "c", "d", "e"] }, /stop/],
    ["an empty stop sequence", { messages: user, stop: [""] }, /stop/],
    ["n of 2", { messages: user, n: 2 }, /n must be 1/],
    ["stream as a string", { messages: user, stream: "yes" }, /stream must be a boolean/],
    ["ignore_eos as a number", { messages: user, ignore_eos: 1 }, /ignore_eos must be a boolean/],
    ["a model that is a number", { messages: user, model: 1 }, /model must be a string/],
    [
      "an unknown response_format",
      { messages: user, response_format: { type: "xml" } },
      /response_format/,
    ],
  ])("when the chat request has %s, refuses it", (_case, body, want) => {
    expect(() => parseChatRequest(body, limits)).toThrow(want);
  });

  it.each([
    ["no prompt", {}],
    ["an empty prompt", { prompt: "" }],
    ["two prompts", { prompt: ["a", "b"] }],
  ])("when the completion request has %s, refuses it", (_case, body) => {
    expect(() => parseCompletionRequest(body, limits)).toThrow(/prompt must be a non-empty string/);
  });

  it("when response_format names a schema as headless, returns its fields in the headless format", () => {
    const request = parseChatRequest(
      {
        messages: user,
        response_format: {
          type: "headless",
          json_schema: {
            name: "x",
            schema: { type: "object", properties: { a: { type: "boolean" } } },
          },
        },
      },
      limits,
    );

    expect(request.structured).toEqual({
      format: "headless",
      fields: [{ name: "a", type: "boolean", maxLength: 64 }],
    });
  });
});
