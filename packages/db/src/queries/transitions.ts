import { and, asc, eq, exists, gt, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../index";
import { files, notificationOutbox, usage, type FileStatus } from "../schema";
import type { StoredFile as FileRow } from "./uploads";

/** What a transition needs of a file: facts fixed when the row was made. */
export type FileRef = Pick<FileRow, "id" | "ownerId" | "size">;

/**
 * Stable codes at the start of `files.reason` (`"<code>: <text for people>"`), so programs
 * can branch on the code while people read the rest. See `formatReason` and `reasonCode`.
 */
export const REASON_CODES = [
  "size_mismatch",
  "type_mismatch",
  "active_content",
  "expired",
  "processing_failed",
  "object_missing",
  "replaced",
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export function formatReason(code: ReasonCode, detail: string): string {
  return `${code}: ${detail}`;
}

/** The code a reason starts with, or undefined for a reason not made by `formatReason`. */
export function reasonCode(reason: string | null | undefined): ReasonCode | undefined {
  const code = reason?.split(":", 1)[0];
  return REASON_CODES.find((known) => known === code);
}

/** The file stored at `key`, whatever its status; keys are unique. */
export async function findFileByKey(db: Db, key: string): Promise<FileRow | undefined> {
  return db.select().from(files).where(eq(files.key, key)).get();
}

const now = sql`(unixepoch('subsec') * 1000)`;

/**
 * Moves a file from `from` to another status and its bytes between the usage columns, in one
 * D1 batch (one transaction). Both statements carry the same guard on the file's current
 * status; the usage update runs first, so it sees the status before the change. A second or
 * late call finds the guard false and changes nothing. Returns whether this call made the
 * transition: only then may anyone be told. `at` sets `updatedAt` when the caller needs to
 * know the recorded time (a notification's `occurredAt`); D1's clock is used otherwise.
 *
 * `notify` adds a `notification_outbox` row as the batch's last statement, inserted only when
 * the file update just before it changed the row (`changes() = 1`): the status and its
 * notification are recorded together or not at all, and a call that changed nothing leaves
 * no new row behind.
 */
async function transition(
  db: Db,
  file: FileRef,
  from: FileStatus,
  change: Partial<Pick<FileRow, "status" | "reason" | "detectedType" | "etag">>,
  bytes: { reserved: number; used: number },
  at?: Date,
  notify?: OutboxEntry,
): Promise<boolean> {
  const guard = and(eq(files.id, file.id), eq(files.status, from));
  const updateFile = db
    .update(files)
    .set({ ...change, updatedAt: at ?? now })
    .where(guard);

  if (bytes.reserved === 0 && bytes.used === 0 && !notify) {
    const result = await updateFile.run();
    return result.meta.changes === 1;
  }

  // Clamped at zero: a negative balance would hide an accounting bug and grant free quota.
  const moveBytes = db
    .update(usage)
    .set({
      reservedBytes: sql`max(0, ${usage.reservedBytes} + ${bytes.reserved})`,
      usedBytes: sql`max(0, ${usage.usedBytes} + ${bytes.used})`,
      updatedAt: now,
    })
    .where(
      and(
        eq(usage.userId, file.ownerId),
        exists(
          db
            .select({ one: sql`1` })
            .from(files)
            .where(guard),
        ),
      ),
    );
  if (!notify) {
    const [, fileResult] = await db.batch([moveBytes, updateFile]);
    return fileResult.meta.changes === 1;
  }
  const [, fileResult] = await db.batch([moveBytes, updateFile, addToOutbox(db, notify)]);
  return fileResult.meta.changes === 1;
}

/** A notification to record with a transition: its id (`<uploadId>:<status>`) and message. */
export interface OutboxEntry {
  id: string;
  body: unknown;
}

/**
 * A SELECT of plain values because drizzle's insert builder cannot say "only if the previous
 * statement changed a row". Must directly follow the file update in its batch. Values in the
 * table's column order: id, body, created_at, attempts, last_error. A row already there is
 * left as it is.
 */
function addToOutbox(db: Db, entry: OutboxEntry) {
  return db
    .insert(notificationOutbox)
    .select(
      sql`SELECT ${entry.id}, ${JSON.stringify(entry.body)}, ${now}, 0, NULL WHERE changes() = 1`,
    )
    .onConflictDoNothing();
}

/**
 * `pending` → `ready`: the reservation becomes used bytes, and `notify` goes to the outbox
 * with it. `at` is the time recorded, which the notification's `occurredAt` states.
 */
export function markReady(
  db: Db,
  file: FileRef,
  found: { detectedType: string; etag: string },
  at: Date,
  notify: OutboxEntry,
): Promise<boolean> {
  return transition(
    db,
    file,
    "pending",
    { status: "ready", reason: null, detectedType: found.detectedType, etag: found.etag },
    { reserved: -file.size, used: file.size },
    at,
    notify,
  );
}

/**
 * `pending` → `rejected`, `expired` or `failed`: the reservation is released, and `notify`
 * goes to the outbox with it.
 */
export function markUnsuccessful(
  db: Db,
  file: FileRef,
  status: "rejected" | "expired" | "failed",
  reason: string,
  options: { detectedType?: string | undefined; at: Date; notify: OutboxEntry },
): Promise<boolean> {
  const { detectedType, at, notify } = options;
  const change = detectedType === undefined ? { status, reason } : { status, reason, detectedType };
  return transition(db, file, "pending", change, { reserved: -file.size, used: 0 }, at, notify);
}

/**
 * `pending` → `cancelled`, asked by the upload's owner: the reservation is released. No
 * reason is recorded: the owner knows why. Whatever object reaches the key afterwards belongs
 * to no live row, so the processor deletes it as it would any late object.
 */
export function markCancelled(db: Db, file: FileRef): Promise<boolean> {
  return transition(
    db,
    file,
    "pending",
    { status: "cancelled", reason: null },
    { reserved: -file.size, used: 0 },
  );
}

/** `ready` → `deleted`: the file's bytes are no longer used. */
export function markDeleted(db: Db, file: FileRef, reason: string | null = null): Promise<boolean> {
  return transition(
    db,
    file,
    "ready",
    { status: "deleted", reason },
    { reserved: 0, used: -file.size },
  );
}

/** Pending uploads whose URL expired before `cutoff`, oldest first, at most `limit`. */
export async function listExpiredUploads(db: Db, cutoff: Date, limit: number): Promise<FileRow[]> {
  return db
    .select()
    .from(files)
    .where(
      and(
        eq(files.status, "pending"),
        eq(files.origin, "upload"),
        lt(files.uploadExpiresAt, cutoff),
      ),
    )
    .orderBy(asc(files.uploadExpiresAt))
    .limit(limit)
    .all();
}

/**
 * Files that own an object (`pending` or `ready`) with a key in (`after`, `upTo`], at most
 * `limit`; `upTo` undefined means no upper end. Used to compare one page of a bucket listing
 * with D1.
 */
export async function listLiveFilesInKeyRange(
  db: Db,
  range: { prefix: string; after: string; upTo: string | undefined },
  limit: number,
): Promise<Pick<FileRow, "id" | "ownerId" | "size" | "key" | "status">[]> {
  const conditions: SQL[] = [
    // `+` keeps SQLite off the status index: without ANALYZE statistics (D1 gathers none by
    // itself) it picks that one, reads every live row of every prefix and sorts them, where
    // the key index serves both the range and the order.
    inArray(sql`+${files.status}`, ["pending", "ready"]),
    gt(files.key, range.after),
    sql`substr(${files.key}, 1, ${range.prefix.length}) = ${range.prefix}`,
  ];
  if (range.upTo !== undefined) conditions.push(lte(files.key, range.upTo));
  // The prefix's own key range, for the index: keys with an ASCII prefix sort from the prefix
  // to just before its last character's successor (`g/` up to `g0`), so the last page of `g/`
  // does not scan every `u/` row after it, nor the first page of `u/` every `g/` row.
  if (/^[\x20-\x7e]+$/.test(range.prefix)) {
    const last = range.prefix.charCodeAt(range.prefix.length - 1);
    conditions.push(gte(files.key, range.prefix));
    conditions.push(lt(files.key, range.prefix.slice(0, -1) + String.fromCharCode(last + 1)));
  }
  return db
    .select({
      id: files.id,
      ownerId: files.ownerId,
      size: files.size,
      key: files.key,
      status: files.status,
    })
    .from(files)
    .where(and(...conditions))
    .orderBy(asc(files.key))
    .limit(limit)
    .all();
}
