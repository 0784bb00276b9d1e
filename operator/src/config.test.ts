import { describe, expect, it } from "vitest";
import { configFromEnv } from "./config.js";

describe("configFromEnv", () => {
  it("when nothing is set, uses the defaults for a local run", () => {
    const config = configFromEnv({});

    expect(config).toMatchObject({
      namespace: "kubetune-system",
      health: { host: "0.0.0.0", port: 8081 },
      leaderElection: true,
      workers: 4,
      unschedulableTimeoutMs: 300_000,
      resyncMs: 600_000,
      images: {
        encoder: "kubetune/encoder:0.1.0",
        llm: "kubetune/llm:0.1.0",
        router: "kubetune/router:0.1.0",
      },
    });
  });

  it("when values are set, uses them", () => {
    const config = configFromEnv({
      KUBETUNE_HEALTH_ADDR: "127.0.0.1:18081",
      KUBETUNE_WORKERS: "8",
      KUBETUNE_UNSCHEDULABLE_TIMEOUT_SECONDS: "2.5",
      KUBETUNE_LEADER_ELECTION: "false",
      KUBETUNE_PROMETHEUS_URL: "http://prometheus.monitoring:9090",
    });

    expect(config).toMatchObject({
      health: { host: "127.0.0.1", port: 18081 },
      workers: 8,
      unschedulableTimeoutMs: 2500,
      leaderElection: false,
      prometheusUrl: "http://prometheus.monitoring:9090",
    });
  });

  it.each([
    ["KUBETUNE_WORKERS", "many", 'KUBETUNE_WORKERS must be a positive number, got "many"'],
    ["KUBETUNE_WORKERS", "0", 'KUBETUNE_WORKERS must be a positive number, got "0"'],
    ["KUBETUNE_WORKERS", "2.5", 'KUBETUNE_WORKERS must be a whole number, got "2.5"'],
    ["KUBETUNE_RESYNC_SECONDS", "-1", "KUBETUNE_RESYNC_SECONDS must be a positive number"],
    ["KUBETUNE_HEALTH_ADDR", "8081", 'KUBETUNE_HEALTH_ADDR must be host:port, got "8081"'],
    ["KUBETUNE_HEALTH_ADDR", "h:99999", "KUBETUNE_HEALTH_ADDR must be host:port"],
    [
      "KUBETUNE_PROMETHEUS_URL",
      "prometheus:9090",
      "KUBETUNE_PROMETHEUS_URL must be an http(s) URL",
    ],
    ["KUBETUNE_PROMETHEUS_URL", "not a url", "KUBETUNE_PROMETHEUS_URL must be an http(s) URL"],
  ])("when %s is %s, refuses to start and names it", (name, value, message) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(message);
  });
});
