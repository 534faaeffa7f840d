import { createLogger, describeError } from "@trove/http";
import { readConfig } from "./config";
import { expireUploads, type ExpirySummary } from "./expire";
import { drainOutbox, type OutboxSummary } from "./outbox";
import { reconcileStorage, type ReconcileSummary } from "./reconcile";
import { servicesFrom } from "./services";

/**
 * The periodic sweep: expire abandoned uploads, reconcile storage with D1, then send the
 * notifications left in the outbox. Each is bounded per run. `now` is the trigger's scheduled
 * time. Each part runs even if another failed; a failure is logged and then rethrown so the
 * run is reported as failed.
 */
export async function runCron(env: Env, now: number): Promise<void> {
  const config = readConfig(env);
  const services = servicesFrom(env);
  const log = createLogger({ worker: "event-processor", trigger: "cron" });

  let failure: unknown;
  let expiry: ExpirySummary | undefined;
  let reconcile: ReconcileSummary | undefined;
  let outbox: OutboxSummary | undefined;
  try {
    expiry = await expireUploads(services, now, config.uploadGraceMs, log);
  } catch (error) {
    failure = error;
    log.error("expiry failed", describeError(error));
  }
  try {
    reconcile = await reconcileStorage(services, now, config.uploadGraceMs, log);
    // A prefix's failure was logged where it happened, with the prefix; the run still fails.
    failure ??= reconcile.failure;
  } catch (error) {
    failure ??= error;
    log.error("reconciliation failed", describeError(error));
  }
  try {
    outbox = await drainOutbox(services, now, log);
  } catch (error) {
    failure ??= error;
    log.error("outbox drain failed", describeError(error));
  }

  log.info("cron summary", {
    expiredDue: expiry?.due,
    expired: expiry?.expired,
    decidedLate: expiry?.decidedLate,
    listed: reconcile?.listed,
    straysDeleted: reconcile?.straysDeleted,
    youngStraysSkipped: reconcile?.youngSkipped,
    missingMarkedDeleted: reconcile?.missingMarkedDeleted,
    lapsCompleted: reconcile?.lapsCompleted.join(" "),
    outboxDue: outbox?.due,
    notificationsSent: outbox?.sent,
    notificationsNotSent: outbox?.failed,
  });
  if (failure) throw failure;
}
