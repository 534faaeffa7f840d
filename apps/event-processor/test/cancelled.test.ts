import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { markCancelled } from "@trove/db";
import { makePng, text } from "./files";
import { db, DEAD_LETTERS, deliver, EVENTS, fileRow, givenUpload, putEvent, usageOf } from "./helpers";
import { notificationsFor } from "./notifications";

/** A pending upload its owner cancelled, as `DELETE /v1/uploads/:id` leaves it. */
async function cancelledUpload(size: number) {
  const file = await givenUpload({ contentType: "image/png", size });
  expect(await markCancelled(db, file)).toBe(true);
  return { file, row: await fileRow(file.id) };
}

describe("objects that reach a cancelled upload's key", () => {
  it("are deleted; the upload stays cancelled, usage is unchanged and no one is notified", async () => {
    const bytes = await makePng();
    const { file, row } = await cancelledUpload(bytes.byteLength);
    // The cancel released the reservation; another pending upload's bytes stay reserved.
    const other = await givenUpload({ contentType: "image/png", size: 50, ownerId: file.ownerId });
    expect(row.status).toBe("cancelled");
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 50 });

    // The bytes the user sent before pressing Cancel arrive through the still-valid URL.
    await env.BUCKET.put(file.key, bytes);
    const { result, ids } = await deliver(EVENTS, [await putEvent(file.key)]);

    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await env.BUCKET.head(file.key)).toBeNull();
    expect(await fileRow(file.id)).toEqual(row);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 50 });
    expect((await fileRow(other.id)).status).toBe("pending");
    expect(await notificationsFor(file.id)).toEqual([]);
  });

  it("are deleted without a notification on a retried delivery too, even when invalid", async () => {
    const { file, row } = await cancelledUpload(12);
    await env.BUCKET.put(file.key, text("<html></html"));

    const { result, ids } = await deliver(EVENTS, [await putEvent(file.key)], { attempts: 3 });

    expect(result.explicitAcks).toEqual(ids);
    expect(await env.BUCKET.head(file.key)).toBeNull();
    expect(await fileRow(file.id)).toEqual(row);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
    expect(await notificationsFor(file.id)).toEqual([]);
  });

  it("leave a dead-lettered event for a cancelled upload with nothing to do", async () => {
    const bytes = await makePng();
    const { file, row } = await cancelledUpload(bytes.byteLength);
    await env.BUCKET.put(file.key, bytes);

    const { result, ids } = await deliver(DEAD_LETTERS, [await putEvent(file.key)]);

    expect(result.explicitAcks).toEqual(ids);
    expect(await fileRow(file.id)).toEqual(row);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
    expect(await notificationsFor(file.id)).toEqual([]);
  });

  it("cannot be cancelled twice: a second markCancelled changes nothing", async () => {
    const { file, row } = await cancelledUpload(100);
    expect(await markCancelled(db, file)).toBe(false);
    expect(await fileRow(file.id)).toEqual(row);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  });
});
