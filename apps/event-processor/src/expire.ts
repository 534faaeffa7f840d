import { formatReason, listExpiredUploads, markUnsuccessful, type StoredFile } from "@trove/db";
import type { Logger } from "@trove/http";
import { decide } from "./created";
import { notificationFor } from "./notify";
import { deliverNow, outboxEntryFor } from "./outbox";
import type { Services } from "./services";

/** Pending uploads looked at per cron run; the rest wait for the next run. */
export const EXPIRE_PER_RUN = 50;

export interface ExpirySummary {
  due: number;
  expired: number;
  decidedLate: number;
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
  const summary: ExpirySummary = { due: due.length, expired: 0, decidedLate: 0 };
  for (const file of due) await expireOne(services, file, summary, log);
  return summary;
}

/**
 * The `upload.expired` notification is recorded with the transition: one the queue refuses
 * stays in the outbox, which a later run sends (outbox.ts), since nothing else would.
 */
async function expireOne(
  services: Services,
  file: StoredFile,
  summary: ExpirySummary,
  log: Logger,
): Promise<void> {
  const { bucket, db } = services;
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
  const notification = notificationFor({ ...file, status: "expired", reason, updatedAt: at });
  const notify = outboxEntryFor(notification);
  if (!(await markUnsuccessful(db, file, "expired", reason, { at, notify }))) return;
  summary.expired += 1;
  const delivery = await deliverNow(services, notification);
  if (object) await bucket.delete(file.key);
  log.info("upload", {
    key: file.key,
    uploadId: file.id,
    outcome: "expired",
    lateObjectDeleted: object !== null,
    notification: delivery,
  });
}
