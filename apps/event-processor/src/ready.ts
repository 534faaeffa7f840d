import { markReady, type StoredFile } from "@trove/db";
import { notificationFor } from "./notify";
import { deliverNow, outboxEntryFor, type Delivery } from "./outbox";
import type { Services } from "./services";

/**
 * The one place an upload becomes `ready`. The `upload.ready` notification is recorded in the
 * outbox with the transition; what follows a new ready file (a caption, then sending that
 * notification) happens only when this call made the transition, so a repeated event never
 * triggers it twice. Returns how the notification went, or null when nothing changed.
 */
export async function becomeReady(
  services: Services,
  file: StoredFile,
  found: { detectedType: string; etag: string },
): Promise<Delivery | null> {
  const at = new Date();
  const notification = notificationFor({
    ...file,
    status: "ready",
    reason: null,
    detectedType: found.detectedType,
    updatedAt: at,
  });
  const changed = await markReady(services.db, file, found, at, outboxEntryFor(notification));
  if (!changed) return null;

  await services.captions.captionReady(file, found.detectedType);
  return deliverNow(services, notification);
}
