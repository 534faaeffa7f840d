import * as v from "valibot";

/**
 * Where the storage reconciliation stopped, kept in the bucket itself (outside `u/` and `g/`,
 * so it is never taken for a user's object) because the processor has no other storage.
 */
export const RESUME_POINT_KEY = "_trove/reconcile-resume-point.json";

/** The last key handled in each prefix's walk; a prefix with no entry starts from its start. */
export type ResumePoints = Record<string, string>;

/**
 * A point written while only `u/` was walked (`after` a single key) does not match: that walk
 * starts its lap again once, which repeats work but skips nothing.
 */
const ResumePointsSchema = v.object({ after: v.record(v.string(), v.string()) });

export async function readResumePoints(bucket: R2Bucket): Promise<ResumePoints> {
  const object = await bucket.get(RESUME_POINT_KEY);
  if (!object) return {};
  const parsed = v.safeParse(ResumePointsSchema, await object.json().catch(() => undefined));
  return parsed.success ? parsed.output.after : {};
}

export async function writeResumePoints(bucket: R2Bucket, after: ResumePoints): Promise<void> {
  await bucket.put(RESUME_POINT_KEY, JSON.stringify({ after }), {
    httpMetadata: { contentType: "application/json" },
  });
}
