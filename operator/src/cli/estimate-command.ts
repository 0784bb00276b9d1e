// `kubetune estimate`: how much GPU memory a FineTuneJob needs, which pools hold it, and
// where `auto` would place it — before applying it to a cluster.
import { parseArgs } from "node:util";
import type { FineTuneJob, GpuPool } from "@kubetune/api";
import { DEFAULT_GPU_POOLS } from "../config/gpu-pools.js";
import { EstimatorInputError } from "../estimator/index.js";
import type { CliIo, Command } from "./command.js";
import { CliError, ExitCode, usageError } from "./command.js";
import { loadFineTuneJob, loadPools } from "./estimate-input.js";
import type { EstimateReport } from "./estimate-report.js";
import { buildReport } from "./estimate-report.js";
import { renderJson, renderTable } from "./estimate-render.js";

const USAGE = `Usage: kubetune estimate -f <finetunejob.yaml> [--pools <pools.yaml>] [--output table|json]

Estimates the peak GPU memory of a FineTuneJob, shows which GPU pools hold it (pools
without bf16 compute in fp16) and the pool resources.gpu.type auto would pick.

Options:
  -f, --file <path>     the FineTuneJob manifest (required)
      --pools <path>    the kubetune-gpu-pools ConfigMap (as in examples/gpu-pools.yaml)
                        or a file with just its pools: list; default: the operator's
                        default pools (t4 and a10g)
  -o, --output <fmt>    table (default) or json
  -h, --help            show this help

Exit codes: 0 the run fits (the requested pool, or some pool for auto); 1 the manifest
is invalid or the run fits no pool; 2 bad usage or an unreadable file.`;

const OUTPUTS = ["table", "json"] as const;
type Output = (typeof OUTPUTS)[number];

interface Options {
  file: string;
  pools?: string;
  output: Output;
}

export const estimateCommand: Command = {
  name: "estimate",
  summary: "Estimate a FineTuneJob's peak GPU memory and the pools that can hold it",
  usage: USAGE,
  run: (args, io) => Promise.resolve(runEstimate(args, io)),
};

function runEstimate(args: readonly string[], io: CliIo): number {
  const options = parseOptions(args);
  if (options === "help") {
    io.out(USAGE);
    return ExitCode.Ok;
  }
  const job = loadFineTuneJob(io, options.file);
  const pools: GpuPool[] =
    options.pools === undefined ? DEFAULT_GPU_POOLS : loadPools(io, options.pools);
  const report = reportFor(options.file, job, pools);
  io.out(options.output === "json" ? renderJson(report) : renderTable(report));
  const { placement } = report;
  if (placement.placed) return ExitCode.Ok;
  io.err(`${placement.message.charAt(0).toUpperCase()}${placement.message.slice(1)}.`);
  return ExitCode.Failed;
}

/** Builds the report, turning a spec the estimator cannot size into a user error. */
function reportFor(file: string, job: FineTuneJob, pools: readonly GpuPool[]): EstimateReport {
  try {
    return buildReport(job, pools);
  } catch (error) {
    if (error instanceof EstimatorInputError) throw new CliError(`${file}: ${error.message}.`);
    throw error;
  }
}

function parseOptions(args: readonly string[]): Options | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        file: { type: "string", short: "f" },
        pools: { type: "string" },
        output: { type: "string", short: "o", default: "table" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw usageError(`${(error as Error).message}.`, USAGE);
  }
  if (values.help === true) return "help";
  if (values.file === undefined) throw usageError("Missing -f <finetunejob.yaml>.", USAGE);
  const output = OUTPUTS.find((o) => o === values.output);
  if (output === undefined) {
    throw usageError(`--output must be table or json, not "${values.output}".`, USAGE);
  }
  return {
    file: values.file,
    output,
    ...(values.pools === undefined ? {} : { pools: values.pools }),
  };
}
