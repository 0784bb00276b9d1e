// npm run router -- --config <routing-table.json|yaml> --port <port> [--host 127.0.0.1]
// Serves the routing table in the file and follows its changes; SIGTERM drains and exits.
// KUBETUNE_ROUTER_ADMIN_TOKEN, when set, lets its holder push tables (PUT /v1/routes).
import { parseArgs } from "node:util";
import { ROUTER_ADMIN_TOKEN_ENV } from "@kubetune/api";
import { startTracing } from "@kubetune/telemetry";
import { jsonLogger } from "./log.js";
import { startRouter } from "./router.js";

const USAGE =
  "usage: router --config <routing-table file> [--port 8080] [--host 127.0.0.1] [--drain-seconds 25]";

function parseFlags() {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    return parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        "drain-seconds": { type: "string", default: "25" },
      },
    }).values;
  } catch (error) {
    // An unknown or malformed flag: the reason and the usage, not a stack trace.
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseFlags();
const port = Number(values.port);
if (values.config === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(USAGE);
  process.exit(2);
}

// W3C trace context always passes through; spans are exported when OTEL_* names a collector.
const tracing = startTracing("kubetune-router");
const log = jsonLogger();
const adminToken = process.env[ROUTER_ADMIN_TOKEN_ENV];
const router = await startRouter({
  config: values.config,
  port,
  host: values.host,
  log,
  ...(adminToken ? { adminToken } : {}),
}).catch((error: unknown) => {
  log.error({ error: String(error), config: values.config }, "Failed to start router");
  process.exit(1);
});
log.info({ port: router.port, host: values.host, config: values.config }, "Started router");

const stop = (signal: string) => {
  log.info({ signal }, "Draining router");
  router
    .stop(Number(values["drain-seconds"]) * 1000)
    .then(() => tracing.shutdown())
    .then(
      () => {
        log.info({}, "Stopped router");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ error: String(error) }, "Failed to drain router");
        process.exit(1);
      },
    );
};
process.once("SIGTERM", () => {
  stop("SIGTERM");
});
process.once("SIGINT", () => {
  stop("SIGINT");
});
