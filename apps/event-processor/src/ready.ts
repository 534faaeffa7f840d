import { markReady, type StoredFile } from "@trove/db";
import type { Services } from "./services";

/**
 * The one place an upload becomes `ready`. What follows a new ready file (a caption, then the
 * notification) happens after the transition and only when `changed` is true, so a repeated
 * event never triggers it twice. The notification goes last: if queueing it fails, the event
 * is retried and the retry sends it (created.ts), with the caption already stored.
 */
export async function becomeReady(
  services: Services,
  file: StoredFile,
  found: { detectedType: string; etag: string },
): Promise<boolean> {
  const at = new Date();
  const changed = await markReady(services.db, file, found, at);
  if (!changed) return false;

  await services.captions.captionReady(file, found.detectedType);
  await services.notifier.notify({
    ...file,
    status: "ready",
    reason: null,
    detectedType: found.detectedType,
    updatedAt: at,
  });
  return true;
}
