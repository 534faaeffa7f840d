/**
 * Whose fault a failed message is. A caller fault (a message that can never succeed) is
 * acked with a log line; a system fault (D1 or R2 failing, an object changing under us) is
 * retried with backoff and, when retries run out, lands on the dead-letter queue.
 */
export type Fault = "caller" | "system";

export class ProcessingError extends Error {
  readonly code: string;
  readonly fault: Fault;

  constructor(code: string, fault: Fault, message: string) {
    super(message);
    this.name = "ProcessingError";
    this.code = code;
    this.fault = fault;
  }
}

/** Anything not raised on purpose (a binding throwing, a bug) is treated as the system's. */
export function faultOf(error: unknown): { code: string; fault: Fault } {
  if (error instanceof ProcessingError) return { code: error.code, fault: error.fault };
  return { code: "unexpected_error", fault: "system" };
}

const BASE_DELAY_SECONDS = 5;
const MAX_DELAY_SECONDS = 300;

/**
 * Exponential backoff from the delivery count (`attempts` is 1 on the first delivery): 5 s,
 * 10 s, 20 s, ... capped at 5 minutes. No jitter: a batch is at most ten messages.
 */
export function retryDelaySeconds(attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** exponent);
}
