// The operator process: configuration → client → manager → run; SIGTERM drains in-flight
// reconciles, releases the leader lease and exits.
import { KubeConfig } from "@kubernetes/client-node";
import { startTracing } from "@kubetune/telemetry";
import { configFromEnv } from "./config.js";
import { Manager } from "./manager.js";
import { jsonLogger } from "./runtime/logger.js";

// First, so every span the operator starts has somewhere to go (OTEL_EXPORTER_OTLP_ENDPOINT).
const tracing = startTracing("kubetune-operator");
const log = jsonLogger({ component: "kubetune-operator" });
const config = (() => {
  try {
    return configFromEnv();
  } catch (error) {
    log.error({ err: String(error) }, "Invalid configuration");
    process.exit(2);
  }
})();
const kc = new KubeConfig();
kc.loadFromDefault();
const manager = new Manager(kc, config, log);

const state = { stopping: false };
async function shutdown(signal: string): Promise<void> {
  if (state.stopping) return;
  state.stopping = true;
  log.info({ signal }, "Stopping");
  await manager.stop();
  await tracing.shutdown();
  log.info({}, "Stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

log.info(
  {
    namespace: config.namespace,
    identity: config.identity,
    server: kc.getCurrentCluster()?.server,
    traces: tracing.endpoint ?? "not exported",
  },
  "Starting",
);
try {
  await manager.run();
  if (!state.stopping) {
    // Leadership was lost: another replica now acts; exit so we restart as a standby.
    log.error({}, "Lost leadership; exiting");
    process.exit(1);
  }
} catch (error) {
  log.error({ err: String(error) }, "Failed to run");
  process.exit(1);
}
