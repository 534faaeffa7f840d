import {
  findFileByKey,
  formatReason,
  markDeleted,
  markUnsuccessful,
  type StoredFile,
} from "@trove/db";
import { inspectObject } from "./inspect";
import { notificationFor } from "./notify";
import { deliverNow, outboxEntryFor } from "./outbox";
import type { Outcome } from "./outcome";
import { becomeReady } from "./ready";
import type { Services } from "./services";

/**
 * An object was written at an upload key. A pending upload gets its verdict; a key that no
 * pending or ready upload owns is emptied; a repeat for a decided upload changes nothing and
 * notifies no one: only the delivery that made a transition recorded its notification.
 */
export async function handleCreated(services: Services, key: string): Promise<Outcome> {
  const { bucket, db } = services;
  const file = await findFileByKey(db, key);
  if (!file) {
    await bucket.delete(key);
    return { outcome: "stray_deleted" };
  }

  const ids = { uploadId: file.id, status: file.status };
  if (file.origin !== "upload") return { outcome: "not_an_upload", ...ids };
  if (file.status === "ready") return checkStillSame(services, file);
  if (file.status !== "pending") {
    // Rejected, expired, failed, cancelled or deleted uploads own no object; one that
    // (re)appears goes. A cancelled upload's bytes arrive here when the PUT was already under
    // way (or the URL used again) after its owner cancelled: deleted, and no one is told,
    // since the owner asked for it.
    await bucket.delete(key);
    return { outcome: "late_object_deleted", ...ids };
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
    const notification = await becomeReady(services, file, found);
    if (notification === null) return alreadyDecided(file);
    return { outcome: "ready", uploadId: file.id, notification };
  }

  const reason = formatReason(inspection.code, inspection.detail);
  const { detectedType } = inspection;
  const at = new Date();
  const notification = notificationFor({
    ...file,
    status: "rejected",
    reason,
    detectedType: detectedType ?? file.detectedType,
    updatedAt: at,
  });
  const options = { detectedType, at, notify: outboxEntryFor(notification) };
  const changed = await markUnsuccessful(db, file, "rejected", reason, options);
  if (!changed) return alreadyDecided(file);
  const delivery = await deliverNow(services, notification);
  // After the row: if this delete fails, the retry finds the upload rejected and deletes then.
  await bucket.delete(file.key);
  const outcome = { outcome: "rejected", uploadId: file.id, reason: inspection.code };
  return { ...outcome, notification: delivery };
}

/**
 * A ready file's object was written again (the upload URL is valid for minutes after the
 * check). The same bytes are a duplicate event; other bytes were never checked, so the
 * object is deleted and the file with it rather than serve what nobody inspected.
 */
async function checkStillSame(services: Services, file: StoredFile): Promise<Outcome> {
  const { bucket, db } = services;
  const head = await bucket.head(file.key);
  if (!head || head.etag === file.etag) {
    return { outcome: "duplicate", uploadId: file.id, status: file.status };
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
