// npm run models                                  build the project's models if missing, print where
// npm run encoder:model -- --out <dir> [--problem single|multi]   train one model into <dir>
import { parseArgs } from "node:util";
import { ensureModels, trainModel } from "./ensure-models.js";

const { values } = parseArgs({
  options: { out: { type: "string" }, problem: { type: "string", default: "single" } },
});

if (values.out === undefined) {
  console.log(JSON.stringify(await ensureModels(), null, 2));
} else {
  const problem = values.problem;
  if (problem !== "single" && problem !== "multi") {
    console.error(`--problem must be single or multi, not ${problem}`);
    process.exit(2);
  }
  await trainModel(problem, values.out);
  console.error(`[models] wrote the ${problem}-label model to ${values.out}`);
}
