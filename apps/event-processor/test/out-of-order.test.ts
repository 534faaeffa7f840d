import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makePng, text } from "./files";
import {
  deliver,
  EVENTS,
  fileRow,
  givenUpload,
  putEvent,
  r2Event,
  upload,
  usageOf,
} from "./helpers";

describe("events that find no pending upload", () => {
  it("deletes an object whose key belongs to no upload", async () => {
    const key = `u/someone/${crypto.randomUUID()}`;
    await env.BUCKET.put(key, await makePng());

    const { result, ids } = await deliver(EVENTS, [await putEvent(key)]);

    expect(result.explicitAcks).toEqual(ids);
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("deletes an object that reappears at a rejected upload's key and keeps the verdict", async () => {
    const file = await givenUpload({ contentType: "image/png", size: 12 });
    await upload(file.key, text("<html></html"));
    const rejected = await fileRow(file.id);
    expect(rejected.status).toBe("rejected");

    // A second PUT with the still-valid URL, then its event (and a late copy of the first).
    await env.BUCKET.put(file.key, await makePng());
    const { result, ids } = await deliver(EVENTS, [await putEvent(file.key)]);

    expect(result.explicitAcks).toEqual(ids);
    expect(await env.BUCKET.head(file.key)).toBeNull();
    expect(await fileRow(file.id)).toEqual(rejected);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  });

  it("handles a delete that arrives before its create: the upload stays pending", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(file.key, bytes);
    const create = await putEvent(file.key);
    await env.BUCKET.delete(file.key);

    const { result, ids } = await deliver(EVENTS, [r2Event("DeleteObject", file.key)]);
    const late = await deliver(EVENTS, [create]);

    expect(result.explicitAcks).toEqual(ids);
    expect(late.result.explicitAcks).toEqual(late.ids);
    expect(await fileRow(file.id)).toMatchObject({ status: "pending", reason: null });
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: bytes.byteLength });
  });
});

describe("delete events for ready files", () => {
  it("marks a ready file deleted and frees its bytes when its object vanished, once", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(file.key, bytes);
    await env.BUCKET.delete(file.key);

    const event = r2Event("LifecycleDeletion", file.key);
    await deliver(EVENTS, [event]);
    const once = await fileRow(file.id);
    await deliver(EVENTS, [event]);

    expect(once).toMatchObject({ status: "deleted" });
    expect(once.reason).toMatch(/^object_missing: /);
    expect(await fileRow(file.id)).toEqual(once);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  });

  it("leaves a ready file alone when its object is still there", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(file.key, bytes);

    await deliver(EVENTS, [r2Event("DeleteObject", file.key)]);

    expect((await fileRow(file.id)).status).toBe("ready");
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: bytes.byteLength, reservedBytes: 0 });
  });

  it("deletes a ready file whose object was overwritten with other bytes after the check", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(file.key, bytes);

    const swapped = new Uint8Array(bytes.byteLength).fill(0x3c);
    await env.BUCKET.put(file.key, swapped);
    await deliver(EVENTS, [await putEvent(file.key)]);

    const row = await fileRow(file.id);
    expect(row.status).toBe("deleted");
    expect(row.reason).toMatch(/^replaced: /);
    expect(await env.BUCKET.head(file.key)).toBeNull();
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  });
});
