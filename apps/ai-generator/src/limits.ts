import { enforceRateLimit, HttpError } from "@trove/http";
import { createDb, getUsage } from "@trove/db";
import type { Config } from "./config";

/** Counts one model call against the user's generation rate; 429 with Retry-After when over. */
export function checkRate(env: Env, userId: string): Promise<void> {
  return enforceRateLimit(env.GENERATION_RATE_LIMIT, userId, "generations");
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
