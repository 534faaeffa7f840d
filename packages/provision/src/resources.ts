import path from "node:path";
import type { App } from "./apps.ts";

/**
 * Where R2 sends its events: objects under the server-made `u/<user>/<upload>` keys. The same
 * prefix is UPLOAD_PREFIX in packages/contracts/src/object-keys.ts; this file runs in plain
 * Node, which cannot resolve that package's extensionless imports, so it keeps its own copy.
 */
export const EVENT_PREFIX = "u/";
export const EVENT_TYPES = ["object-create", "object-delete"] as const;

/** R2 actions each event type stands for, as `wrangler r2 bucket notification list` names them. */
export const EVENT_ACTIONS: Record<(typeof EVENT_TYPES)[number], string[]> = {
  "object-create": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
  "object-delete": ["DeleteObject", "LifecycleDeletion"],
};

/** The Cloudflare resources the Workers' configs bind, which provisioning must create. */
export interface Resources {
  bucket: string;
  /** The queue R2 notifies, consumed with a dead-letter queue. */
  eventQueue: string;
  deadLetterQueue: string;
  /** Queues Workers only send to (`trove-notifications`), for consumers outside Trove. */
  otherQueues: string[];
  database: { name: string; migrationsDir: string };
}

/**
 * Reads the resources from the deployable apps' wrangler.jsonc files, so that names live in one
 * place: the bucket every app binds, the consumer queue that has a dead-letter queue, any other
 * queue a Worker produces to, and the D1 database with its migrations folder (absolute).
 */
export function resourcesFrom(apps: App[], root: string): Resources {
  const buckets = unique(apps.flatMap((app) => (app.config.r2_buckets ?? []).map((b) => b.bucket_name)));
  const consumers = apps.flatMap((app) => app.config.queues?.consumers ?? []);
  const eventConsumer = consumers.find((consumer) => consumer.dead_letter_queue !== undefined);
  const databases = apps.flatMap((app) =>
    (app.config.d1_databases ?? []).map((db) => ({ app, db })),
  );
  const names = unique(databases.map(({ db }) => db.database_name));

  if (buckets.length !== 1) throw new Error(`Expected one R2 bucket across apps, found: ${buckets.join(", ")}`);
  if (!eventConsumer?.dead_letter_queue) throw new Error("No queue consumer with a dead_letter_queue");
  if (names.length !== 1 || !databases[0]) throw new Error(`Expected one D1 database, found: ${names.join(", ")}`);

  const producers = apps.flatMap((app) => (app.config.queues?.producers ?? []).map((p) => p.queue));
  const eventQueues = [eventConsumer.queue, eventConsumer.dead_letter_queue];
  const otherQueues = unique(producers).filter((queue) => !eventQueues.includes(queue));

  const { app, db } = databases[0];
  const migrationsDir = path.resolve(root, path.dirname(app.configPath), db.migrations_dir ?? "migrations");
  return {
    bucket: buckets[0] as string,
    eventQueue: eventConsumer.queue,
    deadLetterQueue: eventConsumer.dead_letter_queue,
    otherQueues,
    database: { name: names[0] as string, migrationsDir },
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
