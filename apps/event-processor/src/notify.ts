import * as v from "valibot";
import {
  UploadNotificationSchema,
  type NotifiedStatus,
  type UploadNotification,
} from "@trove/contracts";
import type { StoredFile } from "@trove/db";
import { ProcessingError } from "./errors";

/** What a notification is made from: the upload's row as the transition left it. */
export type NotifiedFile = Pick<
  StoredFile,
  "id" | "ownerId" | "filename" | "contentType" | "size" | "detectedType" | "reason"
> & { status: NotifiedStatus; updatedAt: Date };

/**
 * Queueing a notification failed. Its transition and its outbox row were recorded together,
 * so nothing is lost: the row stays and the cron sends it later (outbox.ts).
 */
export class NotificationError extends ProcessingError {
  readonly notification: UploadNotification;

  constructor(notification: UploadNotification) {
    super("notification_failed", "system", `could not queue ${notification.type}`);
    this.name = "NotificationError";
    this.notification = notification;
  }
}

/** Tells the deployment's consumer (NOTIFICATIONS) that an upload reached a final status. */
export interface Notifier {
  /** Queues one message; throws a NotificationError when that fails. */
  send(notification: UploadNotification): Promise<void>;
}

export function notifierFrom(queue: Queue): Notifier {
  return {
    async send(notification) {
      try {
        await queue.send(notification, { contentType: "json" });
      } catch {
        throw new NotificationError(notification);
      }
    },
  };
}

/** The message for a file's status, checked against the contract before it leaves. */
export function notificationFor(file: NotifiedFile): UploadNotification {
  return v.parse(UploadNotificationSchema, {
    id: `${file.id}:${file.status}`,
    type: `upload.${file.status}`,
    userId: file.ownerId,
    uploadId: file.id,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    status: file.status,
    ...(file.detectedType === null ? {} : { detectedType: file.detectedType }),
    ...(file.reason === null ? {} : { reason: file.reason }),
    occurredAt: file.updatedAt.toISOString(),
  });
}
