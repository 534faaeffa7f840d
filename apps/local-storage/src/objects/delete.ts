import { notify } from "../events";
import type { ObjectRequest } from "./context";

/**
 * DeleteObject: 204 whether or not the key existed, as S3 answers; R2 notifies only when an
 * object was actually removed.
 */
export async function deleteObject(op: ObjectRequest): Promise<Response> {
  const existing = await op.env.BUCKET.head(op.key);
  if (existing) {
    await op.env.BUCKET.delete(op.key);
    await notify(op.env.EVENTS, { action: "DeleteObject", key: op.key }, op.config, op.now, op.log);
  }
  return new Response(null, { status: 204 });
}
