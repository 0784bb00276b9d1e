// npm run encoder -- --model <dir-or-uri> --port <port>: wiring only.
import { startTracing } from "@kubetune/telemetry";
import { USAGE, parseConfig } from "./config.js";
import { jsonLogger } from "./logger.js";
import { startEncoder } from "./server.js";

// W3C trace context always passes through; spans are exported when OTEL_* names a collector.
const tracing = startTracing("kubetune-encoder");
const logger = jsonLogger({ component: "encoder" });

let config;
try {
  config = parseConfig(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}

const encoder = await startEncoder(config, logger);
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "Stopping: finishing in-flight requests");
    encoder
      .stop()
      .then(() => tracing.shutdown())
      .then(
        () => {
          logger.info({}, "Stopped");
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ error: String(error) }, "Stop failed");
          process.exit(1);
        },
      );
  });
}

const state = await encoder.loaded;
if (state.status !== "ready" && config.requireModel) {
  await encoder.stop();
  process.exit(1);
}
