// Every wait in the integration and e2e suites, in one place (kueue's test/util/constants.go).

/** Scheduling, a Job finishing on a KWOK cue, garbage collection. */
export const MEDIUM_MS = 45_000;
/** Poll interval for expect.poll. */
export const POLL_MS = 250;
