import { findFileByKey, formatReason, markUnsuccessful } from "@trove/db";
import type { EventKind } from "./messages";
import { notificationFor } from "./notify";
import { deliverNow, outboxEntryFor } from "./outbox";
import type { Outcome } from "./outcome";
import type { Services } from "./services";

/**
 * An event that failed every retry. A pending upload it was about is marked `failed` (its
 * reservation released) so the user is not left waiting, and its object is removed. A deletion
 * that could not be handled is left to the reconciliation, which marks files whose object is gone.
 * An upload already decided changes nothing here: whatever notification its transition
 * recorded is in the outbox until it was sent.
 */
export async function handleDeadLetter(
  services: Services,
  key: string,
  kind: EventKind,
): Promise<Outcome> {
  const { bucket, db } = services;
  if (kind === "delete") return { outcome: "left_to_reconciliation" };

  const file = await findFileByKey(db, key);
  if (!file) return { outcome: "no_file" };
  const nothing: Outcome = { outcome: "nothing_to_do", uploadId: file.id, status: file.status };
  if (file.origin !== "upload" || file.status !== "pending") return nothing;

  const reason = formatReason("processing_failed", "the upload could not be checked; try again");
  const at = new Date();
  const notification = notificationFor({ ...file, status: "failed", reason, updatedAt: at });
  const notify = outboxEntryFor(notification);
  const changed = await markUnsuccessful(db, file, "failed", reason, { at, notify });
  if (!changed) return { outcome: "already_decided", uploadId: file.id };

  const delivery = await deliverNow(services, notification);
  // Best effort: R2 failing may be why the event failed; the reconciliation removes it later.
  await bucket.delete(key).catch(() => undefined);
  const outcome = { outcome: "failed", uploadId: file.id, reason: "processing_failed" } as const;
  return { ...outcome, notification: delivery };
}
