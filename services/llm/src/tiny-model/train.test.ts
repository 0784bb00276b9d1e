import { describe, expect, it } from "vitest";
import { fitOutput, tokenize } from "./train.js";
import { buildVocab } from "./vocab.js";

describe("tiny model training", () => {
  it("when text uses learned merges, tokenize prefers the highest-scoring merge and falls back to bytes", () => {
    const vocab = buildVocab(["ab ab ab", "abc abc"], 10);
    const ids = tokenize(vocab, "ab é", true);

    expect(ids.map((id) => vocab.tokens[id])).toEqual(["\u2581ab", "\u2581", "<0xC3>", "<0xA9>"]);
  });

  it("when fitted on a corpus, the output projection's argmax after each token is its most frequent successor", () => {
    const embd = 8;
    const vocabSize = 6;
    // Orthogonal embeddings: each token is one axis.
    const embedding = new Float32Array(vocabSize * embd);
    for (let t = 0; t < vocabSize; t++) embedding[t * embd + t] = 1;
    const sequences = [
      [1, 2, 3, 4],
      [1, 2, 3, 5],
      [1, 2, 3, 5],
    ];

    const out = fitOutput(embedding, embd, vocabSize, sequences);
    const argmaxAfter = (t: number) => {
      const logits = Array.from({ length: vocabSize }, (_, v) => out[v * embd + t]!);
      return logits.indexOf(Math.max(...logits));
    };

    expect([argmaxAfter(1), argmaxAfter(2), argmaxAfter(3)]).toEqual([2, 3, 5]);
  });
});
