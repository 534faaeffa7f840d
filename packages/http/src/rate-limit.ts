import { HttpError } from "./errors";

/**
 * Rate-limit bindings count over a window of at most a minute, and Cloudflare does not say
 * when it resets, so a refused client is told to come back after one whole window.
 */
const RETRY_AFTER_SECONDS = 60;

/**
 * Counts one request for `key` against a rate-limit binding; when the allowance is spent,
 * throws a 429 `rate_limited` problem with `Retry-After`. `what` names what is counted, in
 * the plural, for the problem's detail.
 *
 * @example
 * await enforceRateLimit(env.UPLOAD_RATE_LIMIT, userId, "upload requests");
 * // 429: "Too many upload requests; try again in a minute."
 */
export async function enforceRateLimit(limiter: RateLimit, key: string, what: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (success) return;
  throw new HttpError(429, "rate_limited", `Too many ${what}; try again in a minute.`, {
    headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
  });
}
