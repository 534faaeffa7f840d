import { findFileByKey, formatReason, markUnsuccessful } from "@trove/db";
import type { EventKind } from "./messages";
import type { Outcome } from "./outcome";
import type { Services } from "./services";

/**
 * An event that failed every retry. A pending upload it was about is marked `failed` (its
 * reservation released) so the user is not left waiting, and its object is removed. A deletion
 * that could not be handled is left to the reconciliation, which marks files whose object is gone.
 */
export async function handleDeadLetter(
  { bucket, db }: Services,
  key: string,
  kind: EventKind,
): Promise<Outcome> {
  if (kind === "delete") return { outcome: "left_to_reconciliation" };

  const file = await findFileByKey(db, key);
  if (!file) return { outcome: "no_file" };
  if (file.origin !== "upload" || file.status !== "pending") {
    return { outcome: "nothing_to_do", uploadId: file.id, status: file.status };
  }

  const reason = formatReason("processing_failed", "the upload could not be checked; try again");
  const changed = await markUnsuccessful(db, file, "failed", reason);
  if (!changed) return { outcome: "already_decided", uploadId: file.id };

  // Best effort: R2 failing may be why the event failed; the reconciliation removes it later.
  await bucket.delete(key).catch(() => undefined);
  return { outcome: "failed", uploadId: file.id, reason: "processing_failed" };
}
