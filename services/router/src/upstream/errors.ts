// Why an upstream call failed, in the terms the router acts on: whether a retry on another
// endpoint is safe, and what the caller is told.

export type UpstreamFailure = "refused" | "timeout" | "reset" | "unavailable" | "invalid";

export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    /** True only when nothing of the request can have reached the backend. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}
