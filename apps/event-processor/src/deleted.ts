import { findFileByKey, formatReason, markDeleted } from "@trove/db";
import type { Outcome } from "./outcome";
import type { Services } from "./services";

/**
 * An object was deleted. The API's DELETE marks its file itself; when a ready file's object
 * is gone and the row still says `ready`, it vanished some other way (a lifecycle rule, a
 * console), so the file is marked deleted and its bytes freed. Anything else changes nothing:
 * a pending upload may still receive its object, and decided uploads own none.
 */
export async function handleDeleted({ bucket, db }: Services, key: string): Promise<Outcome> {
  const file = await findFileByKey(db, key);
  if (!file) return { outcome: "no_file" };
  if (file.status !== "ready")
    return { outcome: "nothing_to_do", uploadId: file.id, status: file.status };

  // Events can arrive late: the key may hold an object again by now.
  if (await bucket.head(key))
    return { outcome: "object_present", uploadId: file.id, status: file.status };

  const reason = formatReason("object_missing", "the object was deleted outside the API");
  const changed = await markDeleted(db, file, reason);
  return changed
    ? { outcome: "marked_deleted", uploadId: file.id, reason: "object_missing" }
    : { outcome: "already_decided", uploadId: file.id };
}
