import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Where a file's bytes came from: a user's direct upload or a model's output. */
export const FILE_ORIGINS = ["upload", "generation"] as const;

/**
 * A file's lifecycle. `pending` → `ready` | `rejected` | `expired` | `failed` | `cancelled` (by
 * its owner); `ready` → `deleted`. Only `ready` files are listed or downloadable.
 */
export const FILE_STATUSES = [
  "pending",
  "ready",
  "rejected",
  "expired",
  "failed",
  "cancelled",
  "deleted",
] as const;

export type FileStatus = (typeof FILE_STATUSES)[number];
export type FileOrigin = (typeof FILE_ORIGINS)[number];

const timestamps = {
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
};

/** Every stored object a user owns, uploaded or generated. The id is also the upload id. */
export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    key: text("key").notNull().unique(),
    origin: text("origin", { enum: FILE_ORIGINS }).notNull().default("upload"),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256"),
    detectedType: text("detected_type"),
    status: text("status", { enum: FILE_STATUSES }).notNull().default("pending"),
    reason: text("reason"),
    etag: text("etag"),
    caption: text("caption"),
    uploadExpiresAt: integer("upload_expires_at", { mode: "timestamp_ms" }),
    ...timestamps,
  },
  (table) => [
    index("files_owner_status_created").on(table.ownerId, table.status, table.createdAt),
    index("files_status_expires").on(table.status, table.uploadExpiresAt),
  ],
);

/**
 * Bytes each user holds (`usedBytes`, ready files) and has promised to pending uploads
 * (`reservedBytes`). Reservations are made with one conditional statement so that
 * concurrent requests cannot overshoot the quota.
 */
export const usage = sqliteTable("usage", {
  userId: text("user_id").primaryKey(),
  usedBytes: integer("used_bytes").notNull().default(0),
  reservedBytes: integer("reserved_bytes").notNull().default(0),
  updatedAt: timestamps.updatedAt,
});

/** Provenance of a generated file; `fileId` is the row in `files` that holds its bytes. */
export const generations = sqliteTable(
  "generations",
  {
    id: text("id").primaryKey(),
    fileId: text("file_id")
      .notNull()
      .references(() => files.id),
    ownerId: text("owner_id").notNull(),
    kind: text("kind", { enum: ["text", "image", "json"] }).notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    promptSha256: text("prompt_sha256").notNull(),
    promptChars: integer("prompt_chars").notNull(),
    durationMs: integer("duration_ms").notNull(),
    requestId: text("request_id").notNull(),
    idempotencyKey: text("idempotency_key"),
    createdAt: timestamps.createdAt,
  },
  (table) => [
    index("generations_owner_created").on(table.ownerId, table.createdAt),
    // One generation per (user, Idempotency-Key): a retried request finds the first one.
    uniqueIndex("generations_owner_idempotency").on(table.ownerId, table.idempotencyKey),
  ],
);

/**
 * Notifications recorded in the same D1 batch as the transition they announce, waiting to be
 * queued on `trove-notifications`. The id is the notification's own (`<uploadId>:<status>`),
 * so one transition can never hold two rows. A row is deleted once the queue took its message;
 * `attempts` and `lastError` (a code, never content) count the sends that failed.
 */
export const notificationOutbox = sqliteTable(
  "notification_outbox",
  {
    id: text("id").primaryKey(),
    /** The message as it will be sent (JSON); metadata only, never file content. */
    body: text("body").notNull(),
    createdAt: timestamps.createdAt,
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (table) => [index("notification_outbox_created").on(table.createdAt)],
);
