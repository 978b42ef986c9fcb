/** Plain structured log lines on stderr; stdout stays free for command output. */
type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = "info";

export function setLogLevel(level: Level): void {
  threshold = level;
}

function write(level: Level, message: string, detail?: unknown): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const suffix =
    detail === undefined
      ? ""
      : detail instanceof Error
        ? `: ${detail.stack ?? detail.message}`
        : ` ${JSON.stringify(detail)}`;
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${suffix}\n`);
}

export const log = {
  debug: (message: string, detail?: unknown) => write("debug", message, detail),
  info: (message: string, detail?: unknown) => write("info", message, detail),
  warn: (message: string, detail?: unknown) => write("warn", message, detail),
  error: (message: string, detail?: unknown) => write("error", message, detail),
};
