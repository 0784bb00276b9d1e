// npm run llm -- --model <file-or-uri> [--adapter [name=]<file>[@scale]] [--labels a,b] --port <port>
// SIGTERM/SIGINT drain: stop accepting, finish running requests, free the model, exit.
import { startTracing } from "@kubetune/telemetry";
import type { ServiceConfig } from "./config.js";
import { USAGE, parseConfig } from "./config.js";
import { startService } from "./service.js";

function configOrExit(argv: string[]): ServiceConfig {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    return parseConfig(argv);
  } catch (error) {
    // A bad flag or value: the reason and the usage, not a stack trace.
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const config = configOrExit(process.argv.slice(2));
// W3C trace context always passes through; spans are exported when OTEL_* names a collector.
const tracing = startTracing("kubetune-llm");
const service = await startService(config);
console.log(
  `kubetune-llm listening on http://${config.host}:${service.port} (model ${config.name})`,
);
void service.loaded.then(() => {
  const reason = service.host.notReadyReason;
  console.log(reason ? `Model not ready: ${reason}` : `Model ${config.name} loaded`);
});

let stopping = false;
const drain = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Received ${signal}, draining`);
  void service
    .stop()
    .then(() => tracing.shutdown())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("Drain failed", error);
        process.exit(1);
      },
    );
};
process.on("SIGTERM", () => {
  drain("SIGTERM");
});
process.on("SIGINT", () => {
  drain("SIGINT");
});
