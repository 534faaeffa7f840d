import { formatReason, listExpiredUploads, markUnsuccessful } from "@trove/db";
import type { Logger } from "@trove/http";
import { decide } from "./created";
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
  const { bucket, db } = services;
  const due = await listExpiredUploads(db, new Date(now - graceMs), EXPIRE_PER_RUN);
  const summary: ExpirySummary = { due: due.length, expired: 0, decidedLate: 0 };

  for (const file of due) {
    const object = await bucket.head(file.key);
    const expiresAt = file.uploadExpiresAt?.getTime() ?? 0;
    if (object && object.uploaded.getTime() <= expiresAt) {
      const result = await decide(services, file);
      summary.decidedLate += 1;
      log.info("upload", { key: file.key, ...result, via: "expiry_sweep" });
      continue;
    }

    const reason = formatReason("expired", "no object arrived before the upload URL expired");
    if (!(await markUnsuccessful(db, file, "expired", reason))) continue;
    summary.expired += 1;
    if (object) await bucket.delete(file.key);
    log.info("upload", {
      key: file.key,
      uploadId: file.id,
      outcome: "expired",
      lateObjectDeleted: object !== null,
    });
  }
  return summary;
}
