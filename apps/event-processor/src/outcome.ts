import type { FileStatus, ReasonCode } from "@trove/db";
import type { Delivery } from "./outbox";

/** What handling one event did, for its log line. Never holds file content. */
export interface Outcome {
  /** A stable word: `ready`, `rejected`, `duplicate`, `stray_deleted`, ... */
  outcome: string;
  uploadId?: string;
  reason?: ReasonCode;
  /** The upload's status when the event found it already decided. */
  status?: FileStatus;
  /** For a transition: its notification was queued, or waits in the outbox for the cron. */
  notification?: Delivery;
}
