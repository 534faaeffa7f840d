import { formatReason, listLiveFilesInKeyRange, markDeleted } from "@trove/db";
import { describeError, type Logger } from "@trove/http";
import { GENERATION_PREFIX, UPLOAD_PREFIX } from "@trove/contracts";
import { readResumePoints, writeResumePoints, type ResumePoints } from "./resume-point";
import type { Services } from "./services";


/**
 * The key spaces Trove writes. Each is walked on its own, with its own resume point and its own
 * budget (PAGES_PER_RUN pages and MISSING_CHECKS_PER_RUN HEADs), rather than as one walk over
 * both: that way each advances on every run, so a bucket of millions of uploads does not hold
 * back the lap over generated content (or the other way round), and a fault in one walk does
 * not stall the other. A run therefore does at most PREFIXES.length × PAGES_PER_RUN pages.
 */
const PREFIXES = [UPLOAD_PREFIX, GENERATION_PREFIX] as const;

/** What a row under each prefix is called in logs (`files.id` is the upload or generation id). */
const ROW_KIND: Record<(typeof PREFIXES)[number], "upload" | "generation"> = {
  [UPLOAD_PREFIX]: "upload",
  [GENERATION_PREFIX]: "generation",
};

const PAGE_SIZE = 500;
const PAGES_PER_RUN = 2;
/** Rows compared with one page; when a page's key range holds more, the range is narrowed. */
const ROWS_PER_PAGE = 1000;
/** HEAD requests per prefix and run confirming that a ready file's object is really gone. */
const MISSING_CHECKS_PER_RUN = 100;

export interface ReconcileSummary {
  listed: number;
  straysDeleted: number;
  youngSkipped: number;
  missingMarkedDeleted: number;
  /** The prefixes whose walk reached its end in this run and starts again next run. */
  lapsCompleted: string[];
  /** The first error a prefix's walk threw (already logged); the other walks still ran. */
  failure?: unknown;
}

/**
 * Compares the bucket's objects under `u/` and `g/` with D1, a bounded slice of keys per
 * prefix and run: objects that no pending or ready file owns are deleted (once older than
 * `minAgeMs`, so a writer that stores before it records, as both the upload flow and the
 * ai-generator do, is never raced), and ready files whose object is gone are marked deleted
 * with their bytes freed. The walks that finished their slice keep their progress even when
 * another one failed.
 */
export async function reconcileStorage(
  services: Services,
  now: number,
  minAgeMs: number,
  log: Logger,
): Promise<ReconcileSummary> {
  const start = await readResumePoints(services.bucket);
  const next: ResumePoints = { ...start };
  const summary: ReconcileSummary = {
    listed: 0,
    straysDeleted: 0,
    youngSkipped: 0,
    missingMarkedDeleted: 0,
    lapsCompleted: [],
  };

  for (const prefix of PREFIXES) {
    try {
      const from = start[prefix] ?? "";
      const walked = await reconcilePrefix(services, prefix, from, now, minAgeMs, log);
      next[prefix] = walked.after;
      summary.listed += walked.listed;
      summary.straysDeleted += walked.straysDeleted;
      summary.youngSkipped += walked.youngSkipped;
      summary.missingMarkedDeleted += walked.missingMarkedDeleted;
      if (walked.lapCompleted) summary.lapsCompleted.push(prefix);
    } catch (error) {
      summary.failure ??= error;
      log.error("reconciliation failed", { prefix, ...describeError(error) });
    }
  }

  if (PREFIXES.some((prefix) => (next[prefix] ?? "") !== (start[prefix] ?? ""))) {
    await writeResumePoints(services.bucket, next);
  }
  return summary;
}

interface PrefixWalk {
  listed: number;
  straysDeleted: number;
  youngSkipped: number;
  missingMarkedDeleted: number;
  lapCompleted: boolean;
  /** The last key handled, or "" when the lap finished. */
  after: string;
}

/**
 * One prefix's slice: each page is one key range (after, upTo], compared with the rows in the
 * same range. The walk starts after `start` (the last key handled by the previous run), so a
 * large prefix is covered over several runs, and a finished lap starts again from "".
 */
async function reconcilePrefix(
  { bucket, db }: Services,
  prefix: (typeof PREFIXES)[number],
  start: string,
  now: number,
  minAgeMs: number,
  log: Logger,
): Promise<PrefixWalk> {
  const walk: PrefixWalk = {
    listed: 0,
    straysDeleted: 0,
    youngSkipped: 0,
    missingMarkedDeleted: 0,
    lapCompleted: false,
    after: start,
  };
  let checksLeft = MISSING_CHECKS_PER_RUN;

  for (let page = 0; page < PAGES_PER_RUN && !walk.lapCompleted; page += 1) {
    const after = walk.after;
    const listing = await bucket.list({
      prefix,
      limit: PAGE_SIZE,
      ...(after ? { startAfter: after } : {}),
    });
    let upTo = listing.truncated ? listing.objects.at(-1)?.key : undefined;
    const rows = await listLiveFilesInKeyRange(db, { prefix, after, upTo }, ROWS_PER_PAGE);
    if (rows.length === ROWS_PER_PAGE) upTo = rows.at(-1)?.key;

    const objects = listing.objects.filter((object) => upTo === undefined || object.key <= upTo);
    walk.listed += objects.length;

    const owned = new Set(rows.map((row) => row.key));
    const strays = objects.filter((object) => !owned.has(object.key));
    const old = strays.filter((object) => now - object.uploaded.getTime() >= minAgeMs);
    walk.youngSkipped += strays.length - old.length;
    if (old.length > 0) {
      await bucket.delete(old.map((object) => object.key));
      walk.straysDeleted += old.length;
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
        walk.missingMarkedDeleted += 1;
        const kind = ROW_KIND[prefix];
        log.info(kind, {
          key: row.key,
          [`${kind}Id`]: row.id,
          outcome: "marked_deleted",
          via: "reconcile",
        });
      }
    }

    if (upTo === undefined) walk.lapCompleted = true;
    walk.after = upTo ?? "";
  }
  return walk;
}
