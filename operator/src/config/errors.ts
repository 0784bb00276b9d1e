/** A malformed operator setting: the operator names the variable and exits 2 at start. */
export class ConfigError extends Error {}
