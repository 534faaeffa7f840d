import { formatReason, listExpiredUploads, markUnsuccessful, type StoredFile } from "@trove/db";
import type { Logger } from "@trove/http";
import { decide } from "./created";
import { NotificationError, type Notifier } from "./notify";
import type { Services } from "./services";

/** Pending uploads looked at per cron run; the rest wait for the next run. */
export const EXPIRE_PER_RUN = 50;

/** Waits before each further try of a notification the cron could not queue. */
const NOTIFY_RETRY_DELAYS_MS = [200, 1000];

export interface ExpirySummary {
  due: number;
  expired: number;
  decidedLate: number;
  notificationsLost: number;
}

/**
 * Expires pending uploads whose URL expired more than the grace period before `now`, releasing
 * their reservations. An object that arrived after the URL expired is deleted. One that
 * arrived in time but whose event never came (lost, or still queued) is judged here instead,
 * so a punctual upload is never expired.
 */
export async function expireUploads(
  services: Services,
  now: number,
  graceMs: number,
  log: Logger,
): Promise<ExpirySummary> {
  const due = await listExpiredUploads(services.db, new Date(now - graceMs), EXPIRE_PER_RUN);
  const summary: ExpirySummary = { due: due.length, expired: 0, decidedLate: 0, notificationsLost: 0 };

  for (const file of due) {
    try {
      await expireOne(services, file, summary, log);
    } catch (error) {
      if (!(error instanceof NotificationError)) throw error;
      if (await sendAgain(services.notifier, error)) continue;
      summary.notificationsLost += 1;
      const { id, type, uploadId } = error.notification;
      log.error("notification lost", { key: file.key, uploadId, notificationId: id, type });
    }
  }
  return summary;
}

async function expireOne(
  services: Services,
  file: StoredFile,
  summary: ExpirySummary,
  log: Logger,
): Promise<void> {
  const { bucket, db, notifier } = services;
  const object = await bucket.head(file.key);
  const expiresAt = file.uploadExpiresAt?.getTime() ?? 0;
  if (object && object.uploaded.getTime() <= expiresAt) {
    summary.decidedLate += 1;
    const result = await decide(services, file);
    log.info("upload", { key: file.key, ...result, via: "expiry_sweep" });
    return;
  }

  const reason = formatReason("expired", "no object arrived before the upload URL expired");
  const at = new Date();
  if (!(await markUnsuccessful(db, file, "expired", reason, { at }))) return;
  summary.expired += 1;
  if (object) await bucket.delete(file.key);
  log.info("upload", {
    key: file.key,
    uploadId: file.id,
    outcome: "expired",
    lateObjectDeleted: object !== null,
  });
  await notifier.notify({ ...file, status: "expired", reason, updatedAt: at });
}

/**
 * A transition the cron made is not met again by a later run (it lists pending uploads only)
 * and no queue redelivers it, so a notification that could not be queued is tried again here,
 * a few times, and then reported as lost with what an operator needs to send it by hand.
 * TODO: the outbox row described at `resendOnRetry` (created.ts) would make this durable.
 */
async function sendAgain(notifier: Notifier, error: NotificationError): Promise<boolean> {
  for (const delay of NOTIFY_RETRY_DELAYS_MS) {
    await scheduler.wait(delay);
    try {
      await notifier.send(error.notification);
      return true;
    } catch {
      // Tried again after the next wait, if any is left.
    }
  }
  return false;
}
