// A SentencePiece-style vocabulary (llama.cpp's "llama" tokenizer): control tokens, the
// 256 byte-fallback tokens, the corpus's characters and byte-pair merges learned from the
// corpus. llama.cpp's SPM tokenizer merges the highest-scoring adjacent pair first, so a
// merge learned earlier gets a higher score.
export const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
}

export const SPECIAL = { unk: 0, bos: 1, eos: 2 } as const;
const CONTROL = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"];
const SPACE = "\u2581";

const byteToken = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;

/** Splits the corpus into SPM words: spaces become ▁ and start the following word. */
function words(lines: string[]): string[][] {
  return lines
    .flatMap((line) => line.split("\n"))
    .flatMap((line) => (SPACE + line.replaceAll(" ", SPACE)).split(new RegExp(`(?=${SPACE})`)))
    .filter((w) => w.length > 0)
    .map((w) => Array.from(w));
}

function mostFrequentPair(corpus: string[][]): string[] | undefined {
  const counts = new Map<string, number>();
  for (const word of corpus)
    for (let i = 0; i + 1 < word.length; i++) {
      const key = `${word[i]}\u0000${word[i + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  let best: [string, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best && best[1] > 1 ? best[0].split("\u0000") : undefined;
}

function applyMerge(corpus: string[][], [a, b]: string[]): string[][] {
  return corpus.map((word) => {
    const out: string[] = [];
    for (let i = 0; i < word.length; i++) {
      if (word[i] === a && word[i + 1] === b) {
        out.push(`${a}${b}`);
        i++;
      } else out.push(word[i] ?? "");
    }
    return out;
  });
}

/** Learns up to `merges` byte-pair merges on top of the corpus's characters. */
export function buildVocab(lines: string[], merges: number): Vocab {
  let corpus = words(lines);
  const chars = [...new Set(corpus.flat())].sort();
  const learned: string[] = [];
  for (let i = 0; i < merges; i++) {
    const pair = mostFrequentPair(corpus);
    if (!pair) break;
    const merged = pair.join("");
    if (!learned.includes(merged)) learned.push(merged);
    corpus = applyMerge(corpus, pair);
  }
  const bytes = Array.from({ length: 256 }, (_, b) => byteToken(b));
  return {
    tokens: [...CONTROL, ...bytes, ...chars, ...learned],
    scores: [
      ...CONTROL.map(() => 0),
      ...bytes.map(() => 0),
      ...chars.map(() => -1e4),
      ...learned.map((_, i) => -i),
    ],
    types: [
      TokenType.unknown,
      ...CONTROL.slice(1).map(() => TokenType.control),
      ...bytes.map(() => TokenType.byte),
      ...chars.map(() => TokenType.normal),
      ...learned.map(() => TokenType.normal),
    ],
  };
}
