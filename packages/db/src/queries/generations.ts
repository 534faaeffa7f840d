import { and, eq } from "drizzle-orm";
import type { Db } from "../index";
import { files, generations } from "../schema";

/** Everything needed to record one generated file and its provenance. */
export interface NewGeneration {
  id: string;
  ownerId: string;
  key: string;
  kind: "text" | "image" | "json";
  filename: string;
  contentType: string;
  /** The media type without parameters (`text/plain` for `text/plain; charset=utf-8`). */
  detectedType: string;
  size: number;
  sha256: string;
  etag: string;
  provider: string;
  model: string;
  promptSha256: string;
  promptChars: number;
  durationMs: number;
  requestId: string;
  idempotencyKey: string | null;
}

/** A generation with the file that holds its output. */
export interface GenerationRecord {
  generation: typeof generations.$inferSelect;
  file: Pick<typeof files.$inferSelect, "key" | "contentType" | "size" | "status" | "createdAt">;
}

/**
 * Charges the user's quota and records the file and its generation in one D1 batch, which D1
 * runs as one transaction.
 *
 * The charge is a single conditional upsert, so concurrent requests (uploads included, which
 * share `usage`) can never push `used + reserved` over the quota. Each insert after it runs
 * only when the statement before it changed a row (`changes() = 1`), so a refused charge
 * records nothing. Raw SQL because drizzle has no way to say "insert only if the previous
 * statement applied", so this speaks to D1 directly.
 */
export async function recordGeneration(
  db: Db,
  row: NewGeneration,
  quotaBytes: number,
): Promise<"recorded" | "quota_exceeded"> {
  const d1 = db.$client;
  const now = Date.now();
  const results = await d1.batch([
    d1
      .prepare(
        `INSERT INTO usage (user_id, used_bytes, reserved_bytes, updated_at)
         SELECT ?1, ?2, 0, ?4 WHERE ?2 <= ?3
         ON CONFLICT (user_id) DO UPDATE
           SET used_bytes = used_bytes + excluded.used_bytes, updated_at = excluded.updated_at
           WHERE usage.used_bytes + usage.reserved_bytes + excluded.used_bytes <= ?3`,
      )
      .bind(row.ownerId, row.size, quotaBytes, now),
    d1
      .prepare(
        `INSERT INTO files (id, owner_id, key, origin, filename, content_type, size, sha256,
           detected_type, status, etag, created_at, updated_at)
         SELECT ?1, ?2, ?3, 'generation', ?4, ?5, ?6, ?7, ?10, 'ready', ?8, ?9, ?9
         WHERE changes() = 1`,
      )
      .bind(row.id, row.ownerId, row.key, row.filename, row.contentType, row.size, row.sha256, row.etag, now, row.detectedType),
    d1
      .prepare(
        `INSERT INTO generations (id, file_id, owner_id, kind, provider, model, prompt_sha256,
           prompt_chars, duration_ms, request_id, idempotency_key, created_at)
         SELECT ?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
         WHERE changes() = 1`,
      )
      .bind(
        row.id,
        row.ownerId,
        row.kind,
        row.provider,
        row.model,
        row.promptSha256,
        row.promptChars,
        row.durationMs,
        row.requestId,
        row.idempotencyKey,
        now,
      ),
  ]);
  return results[2]?.meta.changes === 1 ? "recorded" : "quota_exceeded";
}

const recordColumns = {
  generation: generations,
  file: {
    key: files.key,
    contentType: files.contentType,
    size: files.size,
    status: files.status,
    createdAt: files.createdAt,
  },
};

/** The user's generation by id; another user's is not found. */
export async function findGeneration(
  db: Db,
  ownerId: string,
  id: string,
): Promise<GenerationRecord | undefined> {
  return db
    .select(recordColumns)
    .from(generations)
    .innerJoin(files, eq(files.id, generations.fileId))
    .where(and(eq(generations.id, id), eq(generations.ownerId, ownerId)))
    .get();
}

/** The generation a user made earlier with this Idempotency-Key, if any. */
export async function findGenerationByIdempotencyKey(
  db: Db,
  ownerId: string,
  idempotencyKey: string,
): Promise<GenerationRecord | undefined> {
  return db
    .select(recordColumns)
    .from(generations)
    .innerJoin(files, eq(files.id, generations.fileId))
    .where(and(eq(generations.ownerId, ownerId), eq(generations.idempotencyKey, idempotencyKey)))
    .get();
}

/** A ready file of the user, as the caption flow needs it; anything else is not found. */
export async function findReadyFile(db: Db, ownerId: string, fileId: string) {
  return db
    .select({ id: files.id, key: files.key, contentType: files.contentType, size: files.size })
    .from(files)
    .where(and(eq(files.id, fileId), eq(files.ownerId, ownerId), eq(files.status, "ready")))
    .get();
}

/** Stores a caption beside a ready file's metadata; false when the file is no longer ready. */
export async function setFileCaption(
  db: Db,
  ownerId: string,
  fileId: string,
  caption: string,
): Promise<boolean> {
  const result = await db
    .update(files)
    .set({ caption, updatedAt: new Date() })
    .where(and(eq(files.id, fileId), eq(files.ownerId, ownerId), eq(files.status, "ready")))
    .run();
  return result.meta.changes === 1;
}
