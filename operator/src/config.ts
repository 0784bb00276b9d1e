// The operator's configuration, from its environment (the Deployment sets these; the
// defaults suit a local run).
import { hostname } from "node:os";
import type { OperatorConfig } from "./manager.js";

const seconds = (value: string | undefined, fallback: number) => Number(value ?? fallback) * 1000;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const [host = "0.0.0.0", port = "8081"] = (env.KUBETUNE_HEALTH_ADDR ?? "0.0.0.0:8081").split(":");
  return {
    namespace: env.KUBETUNE_NAMESPACE ?? "kubetune-system",
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    health: { host, port: Number(port) },
    leaderElection: env.KUBETUNE_LEADER_ELECTION !== "false",
    trainerImage: env.KUBETUNE_TRAINER_IMAGE ?? "kubetune/trainer:0.1.0",
    unschedulableTimeoutMs: seconds(env.KUBETUNE_UNSCHEDULABLE_TIMEOUT_SECONDS, 300),
    workers: Number(env.KUBETUNE_WORKERS ?? 4),
    resyncMs: seconds(env.KUBETUNE_RESYNC_SECONDS, 600),
  };
}
