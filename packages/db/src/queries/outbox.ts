import { asc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../index";
import { notificationOutbox } from "../schema";

export type OutboxRow = typeof notificationOutbox.$inferSelect;

/** Outbox rows recorded before `cutoff`, oldest first, at most `limit`. */
export async function listOutbox(db: Db, cutoff: Date, limit: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(notificationOutbox)
    .where(lt(notificationOutbox.createdAt, cutoff))
    .orderBy(asc(notificationOutbox.createdAt))
    .limit(limit)
    .all();
}

/** The outbox row with this notification id, if it is still waiting. */
export async function findOutboxEntry(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id)).get();
}

/** Removes a row whose message the queue accepted. */
export async function deleteOutboxEntry(db: Db, id: string): Promise<void> {
  await db.delete(notificationOutbox).where(eq(notificationOutbox.id, id)).run();
}

/** Counts a failed send; `code` says why, never what the message held. Returns the new count. */
export async function recordOutboxFailure(db: Db, id: string, code: string): Promise<number> {
  const row = await db
    .update(notificationOutbox)
    .set({ attempts: sql`${notificationOutbox.attempts} + 1`, lastError: code })
    .where(eq(notificationOutbox.id, id))
    .returning({ attempts: notificationOutbox.attempts })
    .get();
  return row?.attempts ?? 0;
}
