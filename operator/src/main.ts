// The operator process: configuration → client → manager → run; SIGTERM drains in-flight
// reconciles, releases the leader lease and exits.
import { KubeConfig } from "@kubernetes/client-node";
import { configFromEnv } from "./config.js";
import { Manager } from "./manager.js";
import { jsonLogger } from "./runtime/logger.js";

const log = jsonLogger({ component: "kubetune-operator" });
const config = configFromEnv();
const kc = new KubeConfig();
kc.loadFromDefault();
const manager = new Manager(kc, config, log);

const state = { stopping: false };
async function shutdown(signal: string): Promise<void> {
  if (state.stopping) return;
  state.stopping = true;
  log.info({ signal }, "Stopping");
  await manager.stop();
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
