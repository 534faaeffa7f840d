import * as v from "valibot";

/** Actions R2 reports in an event notification. */
export const R2_EVENT_ACTIONS = [
  "PutObject",
  "CopyObject",
  "CompleteMultipartUpload",
  "DeleteObject",
  "LifecycleDeletion",
] as const;

export const R2_CREATE_ACTIONS = ["PutObject", "CopyObject", "CompleteMultipartUpload"] as const;

/**
 * The message R2 puts on a Queue for a bucket event, in R2's own shape. Object-create actions
 * carry `size` and `eTag`; deletions carry only the key; `copySource` comes with CopyObject.
 */
export const R2EventSchema = v.object({
  account: v.string(),
  action: v.picklist(R2_EVENT_ACTIONS),
  bucket: v.pipe(v.string(), v.minLength(1)),
  object: v.object({
    key: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
    size: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    eTag: v.optional(v.string()),
  }),
  eventTime: v.pipe(v.string(), v.isoTimestamp()),
  copySource: v.optional(v.object({ bucket: v.string(), object: v.string() })),
});

export type R2Event = v.InferOutput<typeof R2EventSchema>;
export type R2EventAction = (typeof R2_EVENT_ACTIONS)[number];
