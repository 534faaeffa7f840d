import * as v from "valibot";

/** The upload transitions a user is told about, one message each. */
export const UPLOAD_NOTIFICATION_TYPES = [
  "upload.ready",
  "upload.rejected",
  "upload.failed",
  "upload.expired",
] as const;
export type UploadNotificationType = (typeof UPLOAD_NOTIFICATION_TYPES)[number];

/** The status an upload is left in by each notified transition. */
export type NotifiedStatus = "ready" | "rejected" | "failed" | "expired";

/**
 * A message on the `trove-notifications` queue: an upload reached a final status. It carries
 * what a consumer needs to tell the user (email, push, webhook) and nothing more: no file
 * content, no object key, no signed URL (a consumer that wants a link asks the API for one).
 *
 * `id` is `<uploadId>:<status>`, the same for every copy of the same transition. Queues deliver
 * at least once and the processor may send a transition again after a failure it cannot rule
 * out (see apps/event-processor/README.md), so a consumer dedupes on `id`.
 */
export const UploadNotificationSchema = v.pipe(
  v.object({
    id: v.string(),
    type: v.picklist(UPLOAD_NOTIFICATION_TYPES),
    userId: v.pipe(v.string(), v.minLength(1)),
    uploadId: v.pipe(v.string(), v.uuid()),
    filename: v.string(),
    contentType: v.string(),
    size: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    status: v.picklist(["ready", "rejected", "failed", "expired"]),
    /** The type the bytes turned out to be; present when it was recognised. */
    detectedType: v.optional(v.string()),
    /** `"<code>: <text for people>"`, as `GET /v1/uploads/:id` shows it; absent for `ready`. */
    reason: v.optional(v.string()),
    /** When the transition was recorded (the upload's `updatedAt`). */
    occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  }),
  v.check(
    (message) =>
      message.type === `upload.${message.status}` &&
      message.id === `${message.uploadId}:${message.status}`,
    "type and id must match the upload and its status.",
  ),
);
export type UploadNotification = v.InferOutput<typeof UploadNotificationSchema>;
