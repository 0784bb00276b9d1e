// The model's tokenizer.json, read by the Rust tokenizers library's native binding (see
// docs/adr for the measurement behind the choice). Documents are tokenized without
// special tokens; each window gets the model's own prefix and suffix ([CLS] … [SEP] for
// BERT, <s> … </s> for RoBERTa), found by asking the tokenizer rather than assumed.
import { Tokenizer } from "tokenizers";

export interface DocumentTokenizer {
  /** Content token ids of each text, no special tokens, never truncated. */
  encodeBatch(texts: readonly string[]): Promise<number[][]>;
  /** Special tokens the model expects before and after every window. */
  readonly prefix: readonly number[];
  readonly suffix: readonly number[];
  readonly padId: number;
}

function indexOfRun(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function specialTokens(tokenizer: Tokenizer): Promise<[number[], number[]]> {
  const probe = "a";
  const withSpecials = (await tokenizer.encode(probe, null, { addSpecialTokens: true })).getIds();
  const plain = (await tokenizer.encode(probe, null, { addSpecialTokens: false })).getIds();
  const at = indexOfRun(withSpecials, plain);
  if (at < 0) throw new Error("tokenizer.json: cannot locate the text between its special tokens");
  return [withSpecials.slice(0, at), withSpecials.slice(at + plain.length)];
}

const PAD_TOKENS = ["[PAD]", "<pad>"];

export async function loadTokenizer(json: string, padId?: number): Promise<DocumentTokenizer> {
  let tokenizer: Tokenizer;
  try {
    tokenizer = Tokenizer.fromString(json);
  } catch (error) {
    throw new Error(`tokenizer.json cannot be read: ${String(error)}`, { cause: error });
  }
  // Exports often carry truncation at 512 and padding: windowing needs every token.
  tokenizer.disableTruncation();
  tokenizer.disablePadding();
  const [prefix, suffix] = await specialTokens(tokenizer);
  const pad = padId ?? PAD_TOKENS.map((t) => tokenizer.tokenToId(t)).find((id) => id !== null) ?? 0;
  return {
    prefix,
    suffix,
    padId: pad,
    async encodeBatch(texts) {
      const encodings = await tokenizer.encodeBatch([...texts], { addSpecialTokens: false });
      return encodings.map((encoding) => encoding.getIds());
    },
  };
}
