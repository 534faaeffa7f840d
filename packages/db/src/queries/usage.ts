import { eq, sql } from "drizzle-orm";
import type { Db } from "../index";
import { usage } from "../schema";

const now = sql`(unixepoch('subsec') * 1000)`;

/** What a user holds (`usedBytes`) and has promised to pending uploads (`reservedBytes`). */
export interface Usage {
  usedBytes: number;
  reservedBytes: number;
}

/**
 * Reserves `bytes` of a user's quota in ONE conditional statement: the row is created, or its
 * `reserved_bytes` raised, only while used + reserved + bytes stays within `quotaBytes`.
 * SQLite runs the statement atomically, so concurrent requests can never overshoot the quota.
 * Returns the usage after the reservation, or null when it does not fit.
 */
export async function reserveBytes(
  db: Db,
  userId: string,
  bytes: number,
  quotaBytes: number,
): Promise<Usage | null> {
  // A first reservation inserts the row unconditionally, so it must fit an empty quota.
  if (bytes > quotaBytes) return null;

  const rows = await db
    .insert(usage)
    .values({ userId, usedBytes: 0, reservedBytes: bytes })
    .onConflictDoUpdate({
      target: usage.userId,
      set: { reservedBytes: sql`${usage.reservedBytes} + ${bytes}`, updatedAt: now },
      setWhere: sql`${usage.usedBytes} + ${usage.reservedBytes} + ${bytes} <= ${quotaBytes}`,
    })
    .returning({ usedBytes: usage.usedBytes, reservedBytes: usage.reservedBytes });
  return rows[0] ?? null;
}

/** Gives back a reservation that will not become a file (a failed insert, an expiry). */
export async function releaseReservedBytes(db: Db, userId: string, bytes: number): Promise<void> {
  await db
    .update(usage)
    .set({ reservedBytes: sql`max(${usage.reservedBytes} - ${bytes}, 0)`, updatedAt: now })
    .where(eq(usage.userId, userId));
}

/** A user's current usage; a user with no row holds nothing. */
export async function getUsage(db: Db, userId: string): Promise<Usage> {
  const row = await db
    .select({ usedBytes: usage.usedBytes, reservedBytes: usage.reservedBytes })
    .from(usage)
    .where(eq(usage.userId, userId))
    .get();
  return row ?? { usedBytes: 0, reservedBytes: 0 };
}
