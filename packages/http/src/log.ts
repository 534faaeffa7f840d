/** Fields that may be logged. Never put tokens, secrets, URLs with signatures or file bytes here. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured logger: one JSON object a line, tagged with the worker and request id. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(base: LogFields): Logger {
  const write = (level: LogLevel, message: string, fields: LogFields = {}) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

/**
 * The error's name and message, for a log line; stacks stay out of logs seen by operators.
 * A failed query (drizzle's error carries `query` and `params`) is described by its SQL, which
 * has only placeholders, and the database's own message: its bound values are user data.
 */
export function describeError(error: unknown): LogFields {
  if (isFailedQuery(error)) {
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause ?? "");
    // drizzle leaves `name` as "Error"; its class says what failed.
    const errorName = error.name === "Error" ? error.constructor.name : error.name;
    return { errorName, errorMessage: cause || "query failed", errorQuery: error.query };
  }
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: "unknown", errorMessage: String(error) };
}

function isFailedQuery(error: unknown): error is Error & { query: string; params: unknown[] } {
  return (
    error instanceof Error &&
    typeof (error as { query?: unknown }).query === "string" &&
    Array.isArray((error as { params?: unknown }).params)
  );
}
