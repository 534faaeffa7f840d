import type { FileStatus, ReasonCode } from "@trove/db";

/** What handling one event did, for its log line. Never holds file content. */
export interface Outcome {
  /** A stable word: `ready`, `rejected`, `duplicate`, `stray_deleted`, ... */
  outcome: string;
  uploadId?: string;
  reason?: ReasonCode;
  /** The upload's status when the event found it already decided. */
  status?: FileStatus;
  /** Set when a notification was queued again for a transition an earlier attempt made. */
  notification?: "resent";
}
