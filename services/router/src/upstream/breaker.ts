// A per-endpoint circuit breaker: after `failures` consecutive failures the endpoint is
// skipped for `openForMs`; then one request may try it (half-open), and a success closes it.

export interface BreakerSettings {
  readonly failures: number;
  readonly openForMs: number;
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether a request may go to the endpoint now. */
  available(): boolean {
    return this.now() >= this.openUntil;
  }

  success(): void {
    this.consecutiveFailures = 0;
    this.openUntil = 0;
  }

  failure(settings: BreakerSettings): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= settings.failures) {
      this.openUntil = this.now() + settings.openForMs;
      // Half-open: one failure after the pause opens the circuit again.
      this.consecutiveFailures = settings.failures - 1;
    }
  }
}
