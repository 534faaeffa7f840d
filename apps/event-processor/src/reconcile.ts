import { formatReason, listLiveFilesInKeyRange, markDeleted } from "@trove/db";
import type { Logger } from "@trove/http";
import { UPLOAD_PREFIX } from "./messages";
import { readResumePoint, writeResumePoint } from "./resume-point";
import type { Services } from "./services";

const PAGE_SIZE = 500;
const PAGES_PER_RUN = 2;
/** Rows compared with one page; when a page's key range holds more, the range is narrowed. */
const ROWS_PER_PAGE = 1000;
/** HEAD requests per run confirming that a ready file's object is really gone. */
const MISSING_CHECKS_PER_RUN = 100;

export interface ReconcileSummary {
  listed: number;
  straysDeleted: number;
  youngSkipped: number;
  missingMarkedDeleted: number;
  lapCompleted: boolean;
}

/**
 * Compares the bucket's upload objects with D1, a bounded slice of keys per run: objects
 * that no pending or ready file owns are deleted (once older than `minAgeMs`, so a writer
 * that stores before it records is never raced), and ready files whose object is gone are
 * marked deleted with their bytes freed. Each page is one key range (after, upTo], compared
 * with the rows in the same range; the last key handled is kept between runs, so a large
 * bucket is covered over several runs, and a finished lap starts again from the beginning.
 */
export async function reconcileStorage(
  { bucket, db }: Services,
  now: number,
  minAgeMs: number,
  log: Logger,
): Promise<ReconcileSummary> {
  const start = await readResumePoint(bucket);
  const summary: ReconcileSummary = {
    listed: 0,
    straysDeleted: 0,
    youngSkipped: 0,
    missingMarkedDeleted: 0,
    lapCompleted: false,
  };
  let after = start;
  let checksLeft = MISSING_CHECKS_PER_RUN;

  for (let page = 0; page < PAGES_PER_RUN && !summary.lapCompleted; page += 1) {
    const listing = await bucket.list({
      prefix: UPLOAD_PREFIX,
      limit: PAGE_SIZE,
      ...(after ? { startAfter: after } : {}),
    });
    let upTo = listing.truncated ? listing.objects.at(-1)?.key : undefined;
    const rows = await listLiveFilesInKeyRange(
      db,
      { prefix: UPLOAD_PREFIX, after, upTo },
      ROWS_PER_PAGE,
    );
    if (rows.length === ROWS_PER_PAGE) upTo = rows.at(-1)?.key;

    const objects = listing.objects.filter((object) => upTo === undefined || object.key <= upTo);
    summary.listed += objects.length;

    const owned = new Set(rows.map((row) => row.key));
    const strays = objects.filter((object) => !owned.has(object.key));
    const old = strays.filter((object) => now - object.uploaded.getTime() >= minAgeMs);
    summary.youngSkipped += strays.length - old.length;
    if (old.length > 0) {
      await bucket.delete(old.map((object) => object.key));
      summary.straysDeleted += old.length;
      for (const object of old)
        log.info("object", { key: object.key, outcome: "stray_deleted", via: "reconcile" });
    }

    const present = new Set(objects.map((object) => object.key));
    for (const row of rows) {
      if (row.status !== "ready" || present.has(row.key) || checksLeft === 0) continue;
      checksLeft -= 1;
      if (await bucket.head(row.key)) continue;
      const reason = formatReason("object_missing", "the object is no longer in storage");
      if (await markDeleted(db, row, reason)) {
        summary.missingMarkedDeleted += 1;
        log.info("upload", {
          key: row.key,
          uploadId: row.id,
          outcome: "marked_deleted",
          via: "reconcile",
        });
      }
    }

    if (upTo === undefined) summary.lapCompleted = true;
    after = upTo ?? "";
  }

  if (after !== start) await writeResumePoint(bucket, after);
  return summary;
}
