import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createDb, files, usage, type FileStatus } from "@trove/db";
import { eq } from "drizzle-orm";
import worker from "../src/index";

export const db = createDb(env.DB);
export const EVENTS = "trove-r2-events";
export const DEAD_LETTERS = "trove-r2-events-dlq";

/**
 * A pending upload as the upload API leaves it: the row, and its bytes reserved in `usage`
 * (added to whatever the user already reserved).
 */
export async function givenUpload(options: {
  contentType: string;
  size: number;
  ownerId?: string;
  status?: FileStatus;
  uploadExpiresAt?: Date;
  etag?: string;
}) {
  const ownerId = options.ownerId ?? `user-${crypto.randomUUID().slice(0, 8)}`;
  const id = crypto.randomUUID();
  const status = options.status ?? "pending";
  const row = {
    id,
    ownerId,
    key: `u/${ownerId}/${id}`,
    filename: "file",
    contentType: options.contentType,
    size: options.size,
    status,
    uploadExpiresAt: options.uploadExpiresAt ?? new Date(Date.now() + 10 * 60_000),
    etag: options.etag ?? null,
  };
  await db.insert(files).values(row);
  const reserved = status === "pending" ? options.size : 0;
  const used = status === "ready" ? options.size : 0;
  const current = await usageOf(ownerId);
  await db
    .insert(usage)
    .values({ userId: ownerId, reservedBytes: reserved, usedBytes: used })
    .onConflictDoUpdate({
      target: usage.userId,
      set: { reservedBytes: current.reservedBytes + reserved, usedBytes: current.usedBytes + used },
    });
  return row;
}

export async function fileRow(id: string) {
  const row = await db.select().from(files).where(eq(files.id, id)).get();
  if (!row) throw new Error(`no file ${id}`);
  return row;
}

export async function usageOf(userId: string) {
  const row = await db.select().from(usage).where(eq(usage.userId, userId)).get();
  return { usedBytes: row?.usedBytes ?? 0, reservedBytes: row?.reservedBytes ?? 0 };
}

/** The message R2 puts on the queue for an event, in R2's shape. */
export function r2Event(
  action: "PutObject" | "DeleteObject" | "CompleteMultipartUpload" | "LifecycleDeletion",
  key: string,
  object: { size?: number; eTag?: string } = {},
  bucket = "trove-uploads",
) {
  return {
    account: "local",
    action,
    bucket,
    object: { key, ...object },
    eventTime: new Date().toISOString(),
  };
}

/** The create event for what is stored at `key` now, as R2 would send it after the PUT. */
export async function putEvent(key: string) {
  const head = await env.BUCKET.head(key);
  if (!head) throw new Error(`nothing stored at ${key}`);
  return r2Event("PutObject", key, { size: head.size, eTag: head.etag });
}

/** What the runtime reports about a delivered batch (the plugin's FetcherQueueResult). */
export interface QueueResult {
  explicitAcks: string[];
  retryMessages: { msgId: string; delaySeconds?: number }[];
}

type Messages = Parameters<typeof createMessageBatch>[1];

/**
 * `queue()` on the Worker's own entrypoint, which the `service_binding_extra_handlers` flag
 * (set for tests only) enables; the generated runtime types do not declare it.
 */
const runtime = exports.default as unknown as {
  queue(queueName: string, messages: Messages): Promise<QueueResult>;
};

/**
 * Delivers one batch to the consumer and returns what it acked and retried. By default the
 * batch goes through the runtime (`exports.default.queue`), as the Queue would deliver it;
 * with `env`, the handler is called directly with those bindings.
 */
export async function deliver(
  queue: string,
  bodies: unknown[],
  options: { attempts?: number; env?: Env } = {},
): Promise<{ result: QueueResult; ids: string[] }> {
  const messages: Messages = bodies.map((body) => ({
    id: crypto.randomUUID(),
    timestamp: new Date(),
    attempts: options.attempts ?? 1,
    body,
  }));
  const ids = messages.map((message) => message.id);
  if (!options.env) return { result: await runtime.queue(queue, messages), ids };

  const batch = createMessageBatch(queue, messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env);
  return { result: await getQueueResult(batch, ctx), ids };
}

/** Stores `bytes` at the upload's key and delivers R2's create event for it. */
export async function upload(key: string, bytes: Uint8Array) {
  await env.BUCKET.put(key, bytes);
  return deliver(EVENTS, [await putEvent(key)]);
}
