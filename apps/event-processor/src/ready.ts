import { markReady, type FileRef } from "@trove/db";
import type { Services } from "./services";

/**
 * The one place an upload becomes `ready`. Whatever should follow a new ready file (a caption,
 * a notification) belongs here, after the transition and only when `changed` is true, so a
 * repeated event never triggers it twice.
 */
export async function becomeReady(
  services: Services,
  file: FileRef,
  found: { detectedType: string; etag: string },
): Promise<boolean> {
  const changed = await markReady(services.db, file, found);
  if (changed) await services.captions.captionReady(file, found.detectedType);
  return changed;
}
