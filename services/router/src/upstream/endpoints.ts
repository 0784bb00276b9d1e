// Connection pools and circuit breakers per endpoint base URL. They outlive routing tables:
// a reload that keeps an endpoint keeps its warm keep-alive connections and its breaker.
import { Pool } from "undici";
import type { BreakerSettings } from "./breaker.js";
import { CircuitBreaker } from "./breaker.js";

interface EndpointState {
  readonly connections: Pool;
  readonly breaker: CircuitBreaker;
}

export interface Endpoint {
  readonly base: string;
  /** Keep-alive connections to the endpoint (undici: see ADR 0006 for why not node:http). */
  readonly connections: Pool;
}

export class EndpointPool {
  private readonly states = new Map<string, EndpointState>();
  private cursor = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private state(base: string): EndpointState {
    let state = this.states.get(base);
    if (!state) {
      state = {
        // Idle sockets are closed before node:http servers' 5 s keep-alive timeout (undici
        // also honours a shorter Keep-Alive hint), so a pooled socket is rarely reused just
        // as the backend closes it.
        connections: new Pool(base, { keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000 }),
        breaker: new CircuitBreaker(this.now),
      };
      this.states.set(base, state);
    }
    return state;
  }

  /** Round-robin over the endpoints whose circuit is closed, skipping `exclude`. */
  pick(bases: readonly string[], exclude: ReadonlySet<string> = new Set()): Endpoint | undefined {
    for (let i = 0; i < bases.length; i++) {
      const base = bases[(this.cursor + i) % bases.length] as string;
      if (exclude.has(base)) continue;
      const state = this.state(base);
      if (!state.breaker.available()) continue;
      this.cursor = (this.cursor + i + 1) % 1_000_000;
      return { base, connections: state.connections };
    }
    return undefined;
  }

  success(base: string): void {
    this.state(base).breaker.success();
  }

  failure(base: string, settings: BreakerSettings): void {
    this.state(base).breaker.failure(settings);
  }

  /**
   * Forgets endpoints no table names any more. Their pools close gracefully: a request
   * still in flight on one finishes first, then its connections close.
   */
  retain(bases: ReadonlySet<string>): void {
    for (const [base, state] of this.states) {
      if (bases.has(base)) continue;
      void state.connections.close();
      this.states.delete(base);
    }
  }

  destroy(): void {
    for (const state of this.states.values()) void state.connections.destroy();
    this.states.clear();
  }
}
