// The operator's configuration, from its environment (the Deployment sets these; the
// defaults suit a local run). A malformed value stops the operator at start with the
// variable named, rather than running with NaN workers or a zero timeout.
import { hostname } from "node:os";
import { ConfigError } from "./config/errors.js";
import { servingPlacementFromEnv } from "./config/serving-placement.js";
import type { OperatorConfig } from "./manager.js";

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function hostPort(env: NodeJS.ProcessEnv): { host: string; port: number } {
  const raw = env.KUBETUNE_HEALTH_ADDR ?? "0.0.0.0:8081";
  const match = /^(.+):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match?.[1] || port > 65_535)
    throw new ConfigError(`KUBETUNE_HEALTH_ADDR must be host:port, got "${raw}"`);
  return { host: match[1], port };
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const workers = positive(env, "KUBETUNE_WORKERS", 4);
  if (!Number.isInteger(workers))
    throw new ConfigError(`KUBETUNE_WORKERS must be a whole number, got "${String(workers)}"`);
  return {
    namespace: env.KUBETUNE_NAMESPACE ?? "kubetune-system",
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    health: hostPort(env),
    leaderElection: env.KUBETUNE_LEADER_ELECTION !== "false",
    trainerImage: env.KUBETUNE_TRAINER_IMAGE ?? "kubetune/trainer:0.1.0",
    images: {
      encoder: env.KUBETUNE_ENCODER_IMAGE ?? "kubetune/encoder:0.1.0",
      llm: env.KUBETUNE_LLM_IMAGE ?? "kubetune/llm:0.1.0",
      router: env.KUBETUNE_ROUTER_IMAGE ?? "kubetune/router:0.1.0",
    },
    servingPlacement: servingPlacementFromEnv(env),
    unschedulableTimeoutMs: 1000 * positive(env, "KUBETUNE_UNSCHEDULABLE_TIMEOUT_SECONDS", 300),
    workers,
    resyncMs: 1000 * positive(env, "KUBETUNE_RESYNC_SECONDS", 600),
    ...prometheus(env),
  };
}

/** Where rollout analyses read the routers' metrics; without it a rollout with thresholds waits. */
function prometheus(env: NodeJS.ProcessEnv): { prometheusUrl?: string } {
  const raw = env.KUBETUNE_PROMETHEUS_URL;
  if (raw === undefined || raw === "") return {};
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`KUBETUNE_PROMETHEUS_URL must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError(`KUBETUNE_PROMETHEUS_URL must be an http(s) URL, got "${raw}"`);
  return { prometheusUrl: raw };
}
