import * as v from "valibot";
import { R2_CREATE_ACTIONS, R2EventSchema, type R2Event } from "@trove/contracts";

export type EventKind = "create" | "delete";

export type ParsedMessage =
  | { ok: true; event: R2Event; kind: EventKind }
  | { ok: false; code: "malformed_message" | "other_bucket"; detail: string };

const createActions: ReadonlySet<string> = new Set(R2_CREATE_ACTIONS);

/**
 * Reads a queue message as an R2 event notification about our bucket. Queues deliver JSON
 * bodies as values, but a producer may have sent the JSON as text, so both are accepted.
 */
export function parseMessage(body: unknown, bucketName: string): ParsedMessage {
  const result = v.safeParse(R2EventSchema, typeof body === "string" ? parseJson(body) : body);
  if (!result.success) {
    const where = result.issues.map((issue) => v.getDotPath(issue) ?? "(root)").join(", ");
    return {
      ok: false,
      code: "malformed_message",
      detail: `not an R2 event notification (${where})`,
    };
  }

  const event = result.output;
  if (event.bucket !== bucketName) {
    return { ok: false, code: "other_bucket", detail: `event for bucket ${event.bucket}` };
  }
  return { ok: true, event, kind: createActions.has(event.action) ? "create" : "delete" };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
