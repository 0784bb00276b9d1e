import { describe, expect, it } from "vitest";
import { IncrementalDecoder } from "./decoder.js";

/** A byte-level tokenizer: each token is one UTF-8 byte. */
const bytes = (tokens: number[]) => Buffer.from(tokens).toString("utf8");

describe("IncrementalDecoder", () => {
  it("when tokens are fed one by one, the text equals decoding them all at once", () => {
    const tokens = [...Buffer.from("héllo → wörld 🚀!")];
    const decoder = new IncrementalDecoder<number>((t) => bytes(t));

    const texts = tokens.map((t) => decoder.push(t));

    expect(texts.at(-1)).toBe("héllo → wörld 🚀!");
  });

  it("when a character is split across tokens, shows it as U+FFFD until it completes", () => {
    const decoder = new IncrementalDecoder<number>((t) => bytes(t));
    const [a, b] = [...Buffer.from("é")];

    expect(decoder.push(a!)).toBe("\uFFFD");
    expect(decoder.push(b!)).toBe("é");
  });

  it("when a token's text depends on what precedes it, decodes it with the last tokens as context", () => {
    const seen: number[][] = [];
    const decoder = new IncrementalDecoder<number>((t, last) => {
      seen.push(last);
      return t.map(String).join("");
    });

    for (let t = 1; t <= 10; t++) decoder.push(t);

    expect(seen.at(-1)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("when bytes never form a character, gives up waiting after four and keeps going", () => {
    const decoder = new IncrementalDecoder<number>((t) => bytes(t));

    for (let i = 0; i < 4; i++) decoder.push(0xff);

    expect(decoder.push(0x41)).toMatch(/A$/);
  });
});
