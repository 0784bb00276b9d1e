// What `cluster:up` started, persisted so `cluster:down` stops exactly those processes.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Ports } from "./layout.js";
import { isAlive, runsBinary } from "./processes.js";

export interface RunningComponent {
  name: string;
  pid: number;
  binary: string;
  logFile: string;
}

export interface ClusterState {
  name: string;
  dir: string;
  kubeconfig: string;
  server: string;
  ports: Ports;
  /** The cluster's kubectl, for cluster:down (draining the real node). */
  kubectl?: string;
  components: RunningComponent[];
  startedAt: string;
  /** Seconds from the start of `cluster:up` to a ready cluster. */
  readySeconds?: number;
  /** The real (kubelet) node, when the cluster runs one; see node/. */
  realNode?: RealNodeState;
}

export interface RealNodeState {
  nodeName: string;
  bridge: string;
  gateway: string;
  podCidr: string;
  /** containerd's socket, for importing images (`npm run cluster:import`). */
  containerdSocket: string;
}

export function readState(file: string): ClusterState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as ClusterState;
}

export function writeState(file: string, state: ClusterState): void {
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** A component counts as running only if its PID still runs the binary we started. */
export function isRunning(component: RunningComponent): boolean {
  return isAlive(component.pid) && runsBinary(component.pid, component.binary);
}
