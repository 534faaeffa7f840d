import {
  findFileByKey,
  formatReason,
  markDeleted,
  markUnsuccessful,
  type StoredFile,
} from "@trove/db";
import { inspectObject } from "./inspect";
import type { Outcome } from "./outcome";
import { becomeReady } from "./ready";
import type { Services } from "./services";

/**
 * An object was written at an upload key. A pending upload gets its verdict; a key that no
 * pending or ready upload owns is emptied; a repeat for a decided upload changes nothing.
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
    // Rejected, expired, failed or deleted uploads own no object; one that (re)appears goes.
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
    const changed = await becomeReady(services, file, found);
    return changed ? { outcome: "ready", uploadId: file.id } : alreadyDecided(file);
  }

  const reason = formatReason(inspection.code, inspection.detail);
  const changed = await markUnsuccessful(db, file, "rejected", reason, inspection.detectedType);
  if (!changed) return alreadyDecided(file);
  // After the row: if this delete fails, the retry finds the upload rejected and deletes then.
  await bucket.delete(file.key);
  return { outcome: "rejected", uploadId: file.id, reason: inspection.code };
}

/**
 * A ready file's object was written again (the upload URL is valid for minutes after the
 * check). The same bytes are a duplicate event; other bytes were never checked, so the
 * object is deleted and the file with it rather than serve what nobody inspected.
 */
async function checkStillSame(services: Services, file: StoredFile): Promise<Outcome> {
  const { bucket, db } = services;
  const head = await bucket.head(file.key);
  if (!head || head.etag === file.etag)
    return { outcome: "duplicate", uploadId: file.id, status: file.status };

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
