import { env } from "cloudflare:workers";
import { UploadNotificationSchema, type UploadNotification } from "@trove/contracts";
import * as v from "valibot";
import { vi } from "vitest";

/**
 * Every notification the real queue delivered to the sink (test/sink) for `uploadId`, each
 * checked against the contract. Waits for a barrier message sent now: the queue delivers in
 * order and the sink records in order, so once the barrier is recorded, so is everything that
 * was sent before it, and a notification missing then was never sent.
 */
export async function notificationsFor(uploadId: string): Promise<UploadNotification[]> {
  const barrier = crypto.randomUUID();
  await env.NOTIFICATIONS.send({ barrier });
  await vi.waitUntil(() => env.NOTIFIED.get(`barrier/${barrier}`), { timeout: 10_000, interval: 20 });

  const { keys } = await env.NOTIFIED.list({ prefix: `${uploadId}/` });
  const bodies = await Promise.all(keys.map((key) => env.NOTIFIED.get(key.name, "json")));
  return bodies.map((body) => v.parse(UploadNotificationSchema, body));
}
