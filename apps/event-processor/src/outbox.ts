import * as v from "valibot";
import { UploadNotificationSchema, type UploadNotification } from "@trove/contracts";
import {
  deleteOutboxEntry,
  listOutbox,
  recordOutboxFailure,
  type OutboxEntry,
  type OutboxRow,
} from "@trove/db";
import type { Logger } from "@trove/http";
import { faultOf } from "./errors";
import type { Services } from "./services";

/** Outbox rows the cron sends per run, oldest first; the rest wait for the next run. */
export const OUTBOX_PER_RUN = 100;

/**
 * The cron leaves rows younger than this alone: the handler that wrote one is sending it
 * right now, and sending it from both places would make a needless second copy.
 */
export const OUTBOX_SETTLE_MS = 60_000;

/** Failed sends of one row after which it is logged at error level (an hour of cron runs). */
export const OUTBOX_ALARM_ATTEMPTS = 12;

/** What became of a notification a transition recorded. */
export type Delivery = "sent" | "left_in_outbox";

/** The outbox row for a notification, recorded in its transition's D1 batch. */
export function outboxEntryFor(notification: UploadNotification): OutboxEntry {
  return { id: notification.id, body: notification };
}

/**
 * Sends the notification a transition just recorded and removes its outbox row. A failed
 * send is counted on the row and left to the cron; it never fails the event, whose work is
 * done. A D1 error (counting, removing) does throw: the event is retried, finds the upload
 * decided and records nothing new, and the row, still there, is sent by the cron.
 */
export async function deliverNow(
  services: Services,
  notification: UploadNotification,
): Promise<Delivery> {
  try {
    await services.notifier.send(notification);
  } catch (error) {
    await recordOutboxFailure(services.db, notification.id, faultOf(error).code);
    return "left_in_outbox";
  }
  await deleteOutboxEntry(services.db, notification.id);
  return "sent";
}

export interface OutboxSummary {
  due: number;
  sent: number;
  failed: number;
}

/**
 * Sends what earlier sends left in the outbox (at most OUTBOX_PER_RUN rows recorded more than
 * OUTBOX_SETTLE_MS before `now`, oldest first). A row is removed once the queue took it, so
 * each is sent until one send succeeds; a copy is possible only when the removal fails after
 * a send, and consumers dedupe on the id.
 */
export async function drainOutbox(
  services: Services,
  now: number,
  log: Logger,
): Promise<OutboxSummary> {
  const rows = await listOutbox(services.db, new Date(now - OUTBOX_SETTLE_MS), OUTBOX_PER_RUN);
  const summary: OutboxSummary = { due: rows.length, sent: 0, failed: 0 };
  for (const row of rows) {
    if (await sendRow(services, row, log)) summary.sent += 1;
    else summary.failed += 1;
  }
  return summary;
}

async function sendRow(services: Services, row: OutboxRow, log: Logger): Promise<boolean> {
  const parsed = v.safeParse(UploadNotificationSchema, JSON.parse(row.body));
  const code = parsed.success
    ? await services.notifier.send(parsed.output).then(
        () => undefined,
        (error: unknown) => faultOf(error).code,
      )
    : "invalid_body";
  if (code === undefined) {
    await deleteOutboxEntry(services.db, row.id);
    return true;
  }

  const attempts = await recordOutboxFailure(services.db, row.id, code);
  const fields = { notificationId: row.id, attempts, code };
  // A queue hiccup is expected now and then; a row that fails for an hour needs a person.
  if (attempts >= OUTBOX_ALARM_ATTEMPTS) log.error("notification not sent", fields);
  else log.warn("notification not sent", fields);
  return false;
}
