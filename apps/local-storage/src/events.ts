import type { R2Event } from "@trove/contracts";
import { describeError, type Logger } from "@trove/http";
import type { StorageConfig } from "./config";

export type ObjectChange =
  | { action: "PutObject"; key: string; size: number; eTag: string }
  | { action: "DeleteObject"; key: string };

/** R2's event notification for a change, in R2's own shape: deletions carry only the key. */
export function eventFor(change: ObjectChange, config: StorageConfig, now: Date): R2Event {
  const object =
    change.action === "PutObject" ? { key: change.key, size: change.size, eTag: change.eTag } : { key: change.key };
  return {
    account: config.accountId,
    action: change.action,
    bucket: config.bucket,
    object,
    eventTime: now.toISOString(),
  };
}

/**
 * Puts the event on the Queue the bucket's notification rule names. The object is already
 * stored, so a failed send is logged rather than failing the request: R2 likewise never
 * undoes a write because a notification could not be delivered.
 */
export async function notify(
  queue: Queue,
  change: ObjectChange,
  config: StorageConfig,
  now: Date,
  log: Logger,
): Promise<void> {
  try {
    await queue.send(eventFor(change, config, now), { contentType: "json" });
  } catch (error) {
    log.error("event notification not sent", { action: change.action, key: change.key, ...describeError(error) });
  }
}
