// A brief, closed-form "training" of the tiny model so its output follows the corpus
// instead of being pure noise: the blocks are kept small, so the last hidden state is
// close to the normalised embedding of the current token, and the output projection is
// fitted by ridge regression to the corpus's smoothed bigram log-probabilities. Greedy
// decoding then continues text the way the corpus does, token by token.
import { SPECIAL } from "./vocab.js";
import type { Vocab } from "./vocab.js";

const SPACE = "\u2581";
const SMOOTHING = 0.05;
const RIDGE = 1e-2;

/** SentencePiece-style tokenization with the vocabulary's merges (highest score first). */
export function tokenize(vocab: Vocab, text: string, spacePrefix: boolean): number[] {
  const ids = new Map(vocab.tokens.map((t, i) => [t, i]));
  const score = (piece: string) => {
    const id = ids.get(piece);
    return id !== undefined && vocab.types[id] === 1 ? (vocab.scores[id] ?? -Infinity) : -Infinity;
  };
  const symbols = Array.from((spacePrefix ? SPACE : "") + text.replaceAll(" ", SPACE));
  for (;;) {
    let best = -1;
    for (let i = 0; i + 1 < symbols.length; i++)
      if (
        score(`${symbols[i]}${symbols[i + 1]}`) >
        (best < 0 ? -Infinity : score(`${symbols[best]}${symbols[best + 1]}`))
      )
        best = i;
    if (best < 0) break;
    symbols.splice(best, 2, `${symbols[best]}${symbols[best + 1]}`);
  }
  return symbols.flatMap((s) => {
    const id = ids.get(s);
    if (id !== undefined) return [id];
    return [...Buffer.from(s, "utf8")].map(
      (b) => ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`) ?? SPECIAL.unk,
    );
  });
}

/** The corpus as token sequences: BOS, the title line, a newline, the category line, EOS. */
export function corpusSequences(vocab: Vocab, lines: string[]): number[][] {
  const newline = vocab.tokens.indexOf("<0x0A>");
  return lines.map((line) => {
    const [title = "", category = ""] = line.split("\n");
    return [
      SPECIAL.bos,
      ...tokenize(vocab, title, true),
      newline,
      ...tokenize(vocab, category, false),
      SPECIAL.eos,
    ];
  });
}

/** Reads a typed array where the index is known to be in range. */
const at = (a: Float64Array | Float32Array, i: number): number => a[i] ?? 0;

function rmsNormalised(row: Float32Array): Float64Array {
  const mean = row.reduce((s, x) => s + x * x, 0) / row.length;
  const scale = 1 / Math.sqrt(mean + 1e-5);
  return Float64Array.from(row, (x) => x * scale);
}

/** Subtracts `factor` × row `from` from row `to` of a row-major matrix `w` columns wide. */
function subtractRow(
  a: Float64Array,
  w: number,
  [to, from, factor]: [number, number, number],
): void {
  for (let j = 0; j < w; j++) a[to * w + j] = at(a, to * w + j) - factor * at(a, from * w + j);
}

/** Inverts a symmetric positive-definite n×n matrix (row-major), Gauss-Jordan without pivoting. */
function invert(matrix: Float64Array, n: number): Float64Array {
  const w = 2 * n;
  const a = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * w + j] = at(matrix, i * n + j);
    a[i * w + n + i] = 1;
  }
  for (let col = 0; col < n; col++) {
    const pivot = at(a, col * w + col);
    for (let j = 0; j < w; j++) a[col * w + j] = at(a, col * w + j) / pivot;
    for (let i = 0; i < n; i++) if (i !== col) subtractRow(a, w, [i, col, at(a, i * w + col)]);
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inverse[i * n + j] = at(a, i * w + n + j);
  return inverse;
}

/** Bigram log-probabilities (centred per context token) for every token that occurs as context. */
function bigramTargets(sequences: number[][], vocabSize: number): Map<number, Float64Array> {
  const counts = new Map<number, Float64Array>();
  for (const seq of sequences)
    for (let i = 0; i + 1 < seq.length; i++) {
      const [prev = 0, next = 0] = [seq[i], seq[i + 1]];
      const row = counts.get(prev) ?? new Float64Array(vocabSize);
      row[next] = at(row, next) + 1;
      counts.set(prev, row);
    }
  for (const row of counts.values()) {
    const total = row.reduce((a, b) => a + b, 0) + SMOOTHING * vocabSize;
    for (let v = 0; v < vocabSize; v++) row[v] = Math.log((at(row, v) + SMOOTHING) / total);
    const mean = row.reduce((a, b) => a + b, 0) / vocabSize;
    for (let v = 0; v < vocabSize; v++) row[v] = at(row, v) - mean;
  }
  return counts;
}

/** X·Xᵀ + ridge·I over the normalised context embeddings. */
function gram(xs: Float64Array[], embd: number): Float64Array {
  const g = new Float64Array(embd * embd);
  for (const x of xs)
    for (let i = 0; i < embd; i++)
      for (let j = 0; j < embd; j++) g[i * embd + j] = at(g, i * embd + j) + at(x, i) * at(x, j);
  for (let i = 0; i < embd; i++) g[i * embd + i] = at(g, i * embd + i) + RIDGE;
  return g;
}

/**
 * The output projection (ggml [embd, vocab]: one row of `embd` weights per token) that
 * best maps each context token's normalised embedding to its bigram log-probabilities:
 * W = L·Xᵀ·(X·Xᵀ + ridge·I)⁻¹.
 */
export function fitOutput(
  embedding: Float32Array,
  embd: number,
  vocabSize: number,
  sequences: number[][],
): Float32Array {
  const targets = [...bigramTargets(sequences, vocabSize)];
  const xs = targets.map(([k]) => rmsNormalised(embedding.subarray(k * embd, (k + 1) * embd)));
  const inverse = invert(gram(xs, embd), embd);
  const out = new Float32Array(vocabSize * embd);
  const b = new Float64Array(embd);
  for (let v = 0; v < vocabSize; v++) {
    b.fill(0);
    targets.forEach(([, row], c) => {
      const x = xs[c] ?? b;
      for (let j = 0; j < embd; j++) b[j] = at(b, j) + at(row, v) * at(x, j);
    });
    for (let j = 0; j < embd; j++) {
      let sum = 0;
      for (let i = 0; i < embd; i++) sum += at(inverse, j * embd + i) * at(b, i);
      out[v * embd + j] = sum;
    }
  }
  return out;
}
