import { HttpError } from "@trove/http";

/**
 * The binding's window is a minute; Cloudflare does not say when it resets, so a client is
 * told to come back after one whole window.
 */
const RETRY_AFTER_SECONDS = 60;

/** Counts an upload request against the user's allowance; 429 `rate_limited` when spent. */
export async function limitUploadRequests(limiter: RateLimit, userId: string): Promise<void> {
  const { success } = await limiter.limit({ key: userId });
  if (success) return;
  throw new HttpError(429, "rate_limited", "Too many upload requests; try again in a minute.", {
    headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
  });
}
