// npm run llm:model -- --out <dir> [--size tiny|bench]   writes the GGUF, its LoRA adapter and labels into <dir>
// npm run models:llm [-- --size bench]                    builds them into the user cache if missing; prints the folder
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  TINY_FILES,
  TINY_SIZES,
  ensureTinyModel,
  writeTinyModel,
} from "../src/tiny-model/build.js";
import type { TinySize } from "../src/tiny-model/build.js";

const { values } = parseArgs({
  options: { out: { type: "string" }, size: { type: "string", default: "tiny" } },
});
if (!(values.size in TINY_SIZES))
  throw new Error(`--size must be one of ${Object.keys(TINY_SIZES).join(", ")}`);
const size = values.size as TinySize;
if (values.out) {
  const dir = resolve(values.out);
  writeTinyModel(dir, size);
  console.log(
    `wrote ${TINY_FILES.model}, ${TINY_FILES.adapter} and ${TINY_FILES.config} to ${dir}`,
  );
} else {
  console.log(ensureTinyModel(size).dir);
}
