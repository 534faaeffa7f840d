import type { Problem } from "@trove/contracts";

/** Every error the client throws on purpose extends this, so callers can tell ours from bugs. */
export class TroveError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The Trove API answered with an error: `problem` is its RFC 9457 document. */
export class TroveApiError extends TroveError {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  /** Seconds to wait before trying again, from `Retry-After` (rate limits). */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(problem.detail);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds ?? problem.retryAfterSeconds;
  }
}

/** Why the storage endpoint refused a request, in terms a person can act on. */
export type StorageFailure =
  | "expired"
  | "signature_mismatch"
  | "type_mismatch"
  | "length_mismatch"
  | "checksum_mismatch"
  | "too_large"
  | "access_denied"
  | "not_found"
  | "unavailable"
  | "unknown";

/**
 * The storage endpoint (R2's S3 API) refused a PUT or GET. `storageCode` and `storageMessage`
 * are what its XML error said; `message` explains it to a person.
 */
export class StorageError extends TroveError {
  readonly status: number;
  readonly failure: StorageFailure;
  readonly storageCode: string | undefined;
  readonly storageMessage: string | undefined;

  constructor(
    message: string,
    details: {
      status: number;
      failure: StorageFailure;
      storageCode?: string | undefined;
      storageMessage?: string | undefined;
    },
  ) {
    super(message);
    this.status = details.status;
    this.failure = details.failure;
    this.storageCode = details.storageCode;
    this.storageMessage = details.storageMessage;
  }
}

/**
 * No HTTP answer could be read: the server is unreachable, the connection dropped, or (in a
 * browser) a CORS check refused the request. Browsers hide which one on purpose — they report
 * status 0 or a bare TypeError — so the message names the likely causes.
 */
export class NetworkError extends TroveError {
  readonly url: string;

  constructor(message: string, url: string, cause?: unknown) {
    super(message, { cause });
    this.url = url;
  }
}

/** The caller aborted the operation through its AbortSignal. */
export class CancelledError extends TroveError {
  constructor(message = "The operation was cancelled.") {
    super(message);
  }
}

/** The server answered 2xx with a body that does not match the shared contract. */
export class UnexpectedResponseError extends TroveError {
  readonly status: number;
  readonly issues: readonly string[];

  constructor(message: string, status: number, issues: readonly string[]) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

/** The upload arrived but processing did not finish within the time the caller allowed. */
export class ProcessingTimeoutError extends TroveError {
  readonly uploadId: string;

  constructor(uploadId: string, waitedMs: number) {
    super(
      `The file was sent, but it was still being checked after ${Math.round(waitedMs / 1000)} s. ` +
        "It may still become ready: look again in a moment.",
    );
    this.uploadId = uploadId;
  }
}
