// Which tokenizer library the encoder uses: both read the same tokenizer.json; this
// prints how long each takes on short and long documents and checks they agree.
//   npm run bench:encoder-tokenizers -- --model <dir>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import { Tokenizer as NativeTokenizer } from "tokenizers";
import { ensureModels } from "../services/encoder/model-maker/ensure-models.js";

const { values } = parseArgs({ options: { model: { type: "string" } } });
const modelDir = values.model ?? (await ensureModels()).single;
const json = readFileSync(join(modelDir, "tokenizer.json"), "utf8");
const corpus = readFileSync(
  new URL("../services/encoder/model-maker/corpus.jsonl", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { text: string }).text);

// The package's type declarations use extensionless imports that NodeNext cannot follow.
interface PureTsTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
}
const js = new (JsTokenizer as unknown as new (json: object, config: object) => PureTsTokenizer)(
  JSON.parse(json) as object,
  {},
);
const native = NativeTokenizer.fromString(json);

async function time(label: string, runs: number, fn: () => Promise<number>): Promise<number> {
  await fn();
  const start = performance.now();
  let tokens = 0;
  for (let i = 0; i < runs; i++) tokens += await fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(44)} ${ms.toFixed(3)} ms/doc  (${tokens / runs} tokens)`);
  return ms;
}

const short = corpus[0] ?? "";
const long = corpus.join(" ").repeat(1);
for (const [name, text, runs] of [
  ["short abstract", short, 2000],
  ["long document", long, 10],
] as const) {
  const jsIds = js.encode(text, { add_special_tokens: false }).ids;
  const nativeIds = (await native.encode(text, null, { addSpecialTokens: false })).getIds();
  console.log(
    `${name}: ${text.length} chars; ids equal: ${JSON.stringify(jsIds) === JSON.stringify(nativeIds)}`,
  );
  const a = await time(`  @huggingface/tokenizers (pure TS)`, runs, () =>
    Promise.resolve(js.encode(text, { add_special_tokens: false }).ids.length),
  );
  const b = await time(
    `  tokenizers (native binding)`,
    runs,
    async () => (await native.encode(text, null, { addSpecialTokens: false })).getIds().length,
  );
  console.log(`  ratio pure TS / native: ${(a / b).toFixed(2)}`);
}

// The service tokenizes a micro-batch at once: the native binding can take the batch in
// one call (off the event loop), the pure TS library one document after another.
const eight = corpus.slice(0, 8);
const a = await time(`batch of 8 abstracts: @huggingface/tokenizers`, 500, () =>
  Promise.resolve(
    eight.reduce((n, text) => n + js.encode(text, { add_special_tokens: false }).ids.length, 0),
  ),
);
const b = await time(`batch of 8 abstracts: tokenizers encodeBatch`, 500, async () =>
  (await native.encodeBatch(eight, { addSpecialTokens: false })).reduce(
    (n, encoding) => n + encoding.getIds().length,
    0,
  ),
);
console.log(`  ratio pure TS / native: ${(a / b).toFixed(2)}`);
