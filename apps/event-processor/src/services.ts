import { createDb, type Db } from "@trove/db";
import { captionerFrom, type Captioner } from "./caption";
import { notifierFrom, type Notifier } from "./notify";

/**
 * The bindings the handlers work with, made once per batch or cron run. A binding a new step
 * needs (the caption generator, say) is added here and reaches every handler.
 */
export interface Services {
  bucket: R2Bucket;
  db: Db;
  captions: Captioner;
  notifier: Notifier;
}

export function servicesFrom(env: Env): Services {
  return {
    bucket: env.BUCKET,
    db: createDb(env.DB),
    captions: captionerFrom(env),
    notifier: notifierFrom(env.NOTIFICATIONS),
  };
}
