// Structured JSON logs on stderr, one object per line (the operator's format).
import type { Logger } from "./server.js";

export function jsonLogger(
  base: Record<string, unknown>,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (level: string) => (fields: Record<string, unknown>, message: string) => {
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields })}\n`,
    );
  };
  return { info: emit("info"), error: emit("error") };
}
