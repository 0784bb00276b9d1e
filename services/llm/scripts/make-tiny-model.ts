// npm run llm:model -- --out <dir>    writes the tiny GGUF, its LoRA adapter and labels into <dir>
// npm run models:llm                  builds them into the user cache if missing; prints the folder
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { TINY_FILES, ensureTinyModel, writeTinyModel } from "../src/tiny-model/build.js";

const { values } = parseArgs({ options: { out: { type: "string" } } });
if (values.out) {
  const dir = resolve(values.out);
  writeTinyModel(dir);
  console.log(
    `wrote ${TINY_FILES.model}, ${TINY_FILES.adapter} and ${TINY_FILES.config} to ${dir}`,
  );
} else {
  console.log(ensureTinyModel().dir);
}
