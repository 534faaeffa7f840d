import {
  findFileByKey,
  formatReason,
  markDeleted,
  markUnsuccessful,
  type StoredFile,
} from "@trove/db";
import { inspectObject } from "./inspect";
import type { NotifiedFile } from "./notify";
import type { Outcome } from "./outcome";
import { becomeReady } from "./ready";
import type { Services } from "./services";

/**
 * An object was written at an upload key. A pending upload gets its verdict; a key that no
 * pending or ready upload owns is emptied; a repeat for a decided upload changes nothing.
 * `retried` says an earlier delivery of this message failed (see `resendOnRetry`).
 */
export async function handleCreated(
  services: Services,
  key: string,
  retried: boolean,
): Promise<Outcome> {
  const { bucket, db } = services;
  const file = await findFileByKey(db, key);
  if (!file) {
    await bucket.delete(key);
    return { outcome: "stray_deleted" };
  }

  const ids = { uploadId: file.id, status: file.status };
  if (file.origin !== "upload") return { outcome: "not_an_upload", ...ids };
  if (file.status === "ready") return checkStillSame(services, file, retried);
  if (file.status !== "pending") {
    // Rejected, expired, failed, cancelled or deleted uploads own no object; one that
    // (re)appears goes. A cancelled upload's bytes arrive here when the PUT was already under
    // way (or the URL used again) after its owner cancelled: deleted, and no one is told,
    // since the owner asked for it. Only a rejection's notification is ever sent again.
    await bucket.delete(key);
    const outcome: Outcome = { outcome: "late_object_deleted", ...ids };
    if (file.status !== "rejected" || !retried) return outcome;
    return resendOnRetry(services, { ...file, status: "rejected" }, outcome);
  }
  return decide(services, file);
}

/** Checks a pending upload's object and records `ready` or `rejected`. */
export async function decide(services: Services, file: StoredFile): Promise<Outcome> {
  const { bucket, db } = services;
  const inspection = await inspectObject(bucket, file.key, file);
  if (!inspection.present) return { outcome: "object_missing", uploadId: file.id };

  if (inspection.accepted) {
    const found = { detectedType: inspection.detectedType, etag: inspection.etag };
    const changed = await becomeReady(services, file, found);
    return changed ? { outcome: "ready", uploadId: file.id } : alreadyDecided(file);
  }

  const reason = formatReason(inspection.code, inspection.detail);
  const { detectedType } = inspection;
  const at = new Date();
  const changed = await markUnsuccessful(db, file, "rejected", reason, { detectedType, at });
  if (!changed) return alreadyDecided(file);
  // After the row: if this delete fails, the retry finds the upload rejected and deletes then
  // (and notifies, since this attempt never got that far).
  await bucket.delete(file.key);
  await services.notifier.notify({
    ...file,
    status: "rejected",
    reason,
    detectedType: detectedType ?? file.detectedType,
    updatedAt: at,
  });
  return { outcome: "rejected", uploadId: file.id, reason: inspection.code };
}

/**
 * Notifies again, on a retried event, a transition an earlier attempt made.
 *
 * The D1 transition and the queue send cannot be one transaction, and the transition's guard
 * makes every later attempt see "nothing changed". So the notification is the last step of
 * handling an event and a failed send throws: the event is retried (and after its retries,
 * dead-lettered; dead-letter.ts does the same). An attempt after the first that finds the
 * upload already holding the verdict this event leads to cannot tell whether the earlier
 * attempt's send went out, so it sends again. A first delivery never does, so a duplicate
 * event notifies no one. The price is a second copy when the send went out but something
 * after it failed (the ack, say); consumers drop it by the message's `id`, as they must
 * anyway since Queues deliver at least once.
 *
 * TODO: an outbox row written in the transition's own D1 batch and drained after it would
 * remove even that window, and the cron's (expire.ts); it needs a table in packages/db.
 */
export async function resendOnRetry(
  services: Services,
  file: NotifiedFile,
  outcome: Outcome,
): Promise<Outcome> {
  await services.notifier.notify(file);
  return { ...outcome, notification: "resent" };
}

/**
 * A ready file's object was written again (the upload URL is valid for minutes after the
 * check). The same bytes are a duplicate event; other bytes were never checked, so the
 * object is deleted and the file with it rather than serve what nobody inspected.
 */
async function checkStillSame(
  services: Services,
  file: StoredFile,
  retried: boolean,
): Promise<Outcome> {
  const { bucket, db } = services;
  const head = await bucket.head(file.key);
  if (!head || head.etag === file.etag) {
    const outcome: Outcome = { outcome: "duplicate", uploadId: file.id, status: file.status };
    return retried ? resendOnRetry(services, { ...file, status: "ready" }, outcome) : outcome;
  }

  const reason = formatReason("replaced", "the object was overwritten after it was checked");
  const changed = await markDeleted(db, file, reason);
  if (changed) await bucket.delete(file.key);
  return changed
    ? { outcome: "replaced_deleted", uploadId: file.id, reason: "replaced" }
    : alreadyDecided(file);
}

function alreadyDecided(file: StoredFile): Outcome {
  return { outcome: "already_decided", uploadId: file.id };
}
