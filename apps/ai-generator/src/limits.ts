import { HttpError } from "@trove/http";
import { createDb, getUsage } from "@trove/db";
import type { Config } from "./config";

/** The rate limit binding counts per minute (see wrangler.jsonc), so a minute always suffices. */
const RETRY_AFTER_SECONDS = 60;

/** Counts one model call against the user's generation rate; 429 with Retry-After when over. */
export async function checkRate(env: Env, userId: string): Promise<void> {
  const { success } = await env.GENERATION_RATE_LIMIT.limit({ key: userId });
  if (!success) {
    throw new HttpError(429, "rate_limited", "Too many generations; try again in a minute.", {
      headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
    });
  }
}

/**
 * Refuses a user already at their quota before a model is paid for. Not the guarantee: the
 * charge in recordGeneration is, because it is atomic.
 */
export async function checkQuotaRoom(env: Env, config: Config, userId: string): Promise<void> {
  const { usedBytes, reservedBytes } = await getUsage(createDb(env.DB), userId);
  if (usedBytes + reservedBytes >= config.quotaBytes) throw quotaExceeded();
}

export function quotaExceeded(): HttpError {
  return new HttpError(429, "quota_exceeded", "Your storage quota is used up; delete files to make room.");
}
