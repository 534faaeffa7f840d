import type { UploadState, UploadStatus } from "@trove/contracts";
import { CancelledError, ProcessingTimeoutError } from "./errors";

/** States an upload does not leave on its own: waiting for them ends. */
export const SETTLED_STATUSES: ReadonlySet<UploadStatus> = new Set([
  "ready",
  "rejected",
  "expired",
  "failed",
  "cancelled",
  "deleted",
]);

export interface WaitOptions {
  /** Give up after this long (default 60 s); the upload may still settle later. */
  timeoutMs?: number;
  /** First pause between polls (default 250 ms); it grows by half each time up to maxDelayMs. */
  initialDelayMs?: number;
  /** Longest pause between polls (default 2 s). */
  maxDelayMs?: number;
  signal?: AbortSignal | undefined;
  /** Called with each state read whose status differs from the last one. */
  onStatus?: ((state: UploadState) => void) | undefined;
}

/**
 * Polls an upload until it settles, backing off between reads, within a time bound.
 * Processing is asynchronous (a Queue event), so there is nothing to subscribe to.
 */
export async function waitUntilSettled(
  id: string,
  read: (signal: AbortSignal | undefined) => Promise<UploadState>,
  options: WaitOptions = {},
): Promise<UploadState> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const started = Date.now();
  let delay = options.initialDelayMs ?? 250;
  let lastStatus: UploadStatus | undefined;

  for (;;) {
    const state = await read(options.signal);
    if (state.status !== lastStatus) {
      lastStatus = state.status;
      options.onStatus?.(state);
    }
    if (SETTLED_STATUSES.has(state.status)) return state;

    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new ProcessingTimeoutError(id, waited);
    await sleep(Math.min(delay, timeoutMs - waited), options.signal);
    delay = Math.min(delay * 1.5, maxDelayMs);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
