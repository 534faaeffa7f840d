import * as v from "valibot";

/**
 * Where the storage reconciliation stopped, kept in the bucket itself (outside `u/`, so it is
 * never taken for an upload) because the processor has no other storage of its own.
 */
export const RESUME_POINT_KEY = "_trove/reconcile-resume-point.json";

const ResumePointSchema = v.object({ after: v.string() });

/** The last key handled, or "" to start from the beginning. */
export async function readResumePoint(bucket: R2Bucket): Promise<string> {
  const object = await bucket.get(RESUME_POINT_KEY);
  if (!object) return "";
  const parsed = v.safeParse(ResumePointSchema, await object.json().catch(() => undefined));
  return parsed.success ? parsed.output.after : "";
}

export async function writeResumePoint(bucket: R2Bucket, after: string): Promise<void> {
  await bucket.put(RESUME_POINT_KEY, JSON.stringify({ after }), {
    httpMetadata: { contentType: "application/json" },
  });
}
