import * as v from "valibot";

/** One offending field of a request that failed validation. */
export const FieldIssueSchema = v.object({
  path: v.string(),
  message: v.string(),
});

/**
 * An RFC 9457 problem document, the body of every error answer (`application/problem+json`).
 * `code` is stable and meant for programs; `title` and `detail` are for people.
 */
export const ProblemSchema = v.looseObject({
  type: v.string(),
  title: v.string(),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  detail: v.string(),
  code: v.string(),
  requestId: v.optional(v.string()),
  errors: v.optional(v.array(FieldIssueSchema)),
  retryAfterSeconds: v.optional(v.number()),
});

export type Problem = v.InferOutput<typeof ProblemSchema>;
export type FieldIssue = v.InferOutput<typeof FieldIssueSchema>;

/** The media type of every error body. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";
