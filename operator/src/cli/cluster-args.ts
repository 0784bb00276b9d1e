// Options the cluster commands share: positionals, -n/--namespace, -o/--output, --now.
import { parseArgs } from "node:util";
import { usageError } from "./command.js";

export interface ClusterArgs {
  positionals: string[];
  namespace: string | undefined;
  output: "table" | "json";
  now: boolean;
  help: boolean;
}

export function parseClusterArgs(
  args: readonly string[],
  usage: string,
  positionals: readonly string[],
): ClusterArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        namespace: { type: "string", short: "n" },
        output: { type: "string", short: "o", default: "table" },
        now: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usageError(`${(error as Error).message}.`, usage);
  }
  const { values } = parsed;
  const result = {
    positionals: parsed.positionals,
    namespace: values.namespace,
    output: values.output === "json" ? ("json" as const) : ("table" as const),
    now: values.now,
    help: values.help,
  };
  if (result.help) return result;
  if (values.output !== "table" && values.output !== "json")
    throw usageError(`--output must be table or json, not "${values.output}".`, usage);
  if (parsed.positionals.length !== positionals.length)
    throw usageError(`Expected ${positionals.map((p) => `<${p}>`).join(" ")}.`, usage);
  return result;
}
