// Structured JSON logs, one object per line, in the kubebuilder style: capitalised past-
// tense messages, structured fields, no trailing period.
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

type Level = "info" | "warn" | "error";

export function jsonLogger(
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (level: Level) => (fields: Record<string, unknown>, message: string) => {
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields })}\n`,
    );
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}
