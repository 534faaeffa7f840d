import { findFileByKey, formatReason, markUnsuccessful } from "@trove/db";
import { resendOnRetry } from "./created";
import type { EventKind } from "./messages";
import type { Outcome } from "./outcome";
import type { Services } from "./services";

/**
 * An event that failed every retry. A pending upload it was about is marked `failed` (its
 * reservation released) so the user is not left waiting, and its object is removed. A deletion
 * that could not be handled is left to the reconciliation, which marks files whose object is gone.
 *
 * An upload the event already made `ready` or `rejected` is notified again: every attempt
 * failed, and the last failure may have been queueing that notification (see `resendOnRetry`).
 */
export async function handleDeadLetter(
  services: Services,
  key: string,
  kind: EventKind,
  retried: boolean,
): Promise<Outcome> {
  const { bucket, db, notifier } = services;
  if (kind === "delete") return { outcome: "left_to_reconciliation" };

  const file = await findFileByKey(db, key);
  if (!file) return { outcome: "no_file" };
  const nothing: Outcome = { outcome: "nothing_to_do", uploadId: file.id, status: file.status };
  if (file.origin !== "upload") return nothing;
  if (file.status === "ready" || file.status === "rejected" || (file.status === "failed" && retried))
    return resendOnRetry(services, { ...file, status: file.status }, nothing);
  if (file.status !== "pending") return nothing;

  const reason = formatReason("processing_failed", "the upload could not be checked; try again");
  const at = new Date();
  const changed = await markUnsuccessful(db, file, "failed", reason, { at });
  if (!changed) return { outcome: "already_decided", uploadId: file.id };

  // Best effort: R2 failing may be why the event failed; the reconciliation removes it later.
  await bucket.delete(key).catch(() => undefined);
  await notifier.notify({ ...file, status: "failed", reason, updatedAt: at });
  return { outcome: "failed", uploadId: file.id, reason: "processing_failed" };
}
