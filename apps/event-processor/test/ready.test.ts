import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SNIFF_BYTES } from "../src/sniff";
import { makeJpeg, makePdf, makePng, text } from "./files";
import { deliver, EVENTS, fileRow, givenUpload, putEvent, upload, usageOf } from "./helpers";

describe("an object that matches its upload", () => {
  it.each([
    ["image/png", makePng],
    ["image/jpeg", async () => makeJpeg()],
    ["application/pdf", makePdf],
    ["text/plain", async () => text("Grüße, Trove!\nA plain UTF-8 note.\n")],
  ])("makes a %s upload ready and moves its bytes from reserved to used", async (type, make) => {
    const bytes = await make();
    const file = await givenUpload({ contentType: type, size: bytes.byteLength });

    const { result, ids } = await upload(file.key, bytes);

    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    const row = await fileRow(file.id);
    expect(row).toMatchObject({ status: "ready", detectedType: type, reason: null });
    expect(row.etag).toBe((await env.BUCKET.head(file.key))?.etag);
    expect(row.updatedAt.getTime()).toBeGreaterThan(0);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: bytes.byteLength, reservedBytes: 0 });
    expect(await env.BUCKET.head(file.key)).not.toBeNull();
  });

  it("accepts a declared type with parameters and an alias (image/jpg)", async () => {
    const bytes = makeJpeg();
    const file = await givenUpload({ contentType: "image/jpg", size: bytes.byteLength });
    await upload(file.key, bytes);
    expect((await fileRow(file.id)).status).toBe("ready");
  });

  it("changes nothing when the same event is delivered again, or twice in one batch", async () => {
    const bytes = await makePng();
    const other = await givenUpload({ contentType: "image/png", size: 1000 });
    const file = await givenUpload({
      contentType: "image/png",
      size: bytes.byteLength,
      ownerId: other.ownerId,
    });
    await env.BUCKET.put(file.key, bytes);
    const event = await putEvent(file.key);

    const first = await deliver(EVENTS, [event, event]);
    const afterFirst = await fileRow(file.id);
    const second = await deliver(EVENTS, [event]);

    // Acked in whichever order the two copies finish.
    expect(first.result.explicitAcks.toSorted()).toEqual(first.ids.toSorted());
    expect(second.result.explicitAcks).toEqual(second.ids);
    expect(await fileRow(file.id)).toEqual(afterFirst);
    // The other pending upload's reservation is untouched; this one's bytes moved exactly once.
    expect(await usageOf(file.ownerId)).toEqual({
      usedBytes: bytes.byteLength,
      reservedBytes: 1000,
    });
  });

  it("reads only the first bytes of a large object, with a ranged GET", async () => {
    const png = await makePng(16, 16);
    const size = 8 * 1024 * 1024;
    const bytes = new Uint8Array(size);
    bytes.set(png);
    const file = await givenUpload({ contentType: "image/png", size });
    await env.BUCKET.put(file.key, bytes);

    // Observed at the binding boundary: every call goes to the real local bucket; we only
    // record how it was asked and how many body bytes came back.
    const reads: { options: R2GetOptions | undefined; bytes: number }[] = [];
    const bucket = new Proxy(env.BUCKET, {
      get(target, property) {
        if (property !== "get") {
          const value: unknown = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        }
        return async (key: string, options?: R2GetOptions) => {
          const object = await target.get(key, options);
          const body = object && "body" in object ? await object.arrayBuffer() : undefined;
          reads.push({ options, bytes: body?.byteLength ?? 0 });
          if (!object || body === undefined) return object;
          return Object.assign(object, { arrayBuffer: async () => body });
        };
      },
    });

    const { result, ids } = await deliver(EVENTS, [await putEvent(file.key)], {
      env: { ...env, BUCKET: bucket },
    });

    expect(result.explicitAcks).toEqual(ids);
    expect(await fileRow(file.id)).toMatchObject({ status: "ready", detectedType: "image/png" });
    expect(reads).toHaveLength(1);
    expect(reads[0]?.options?.range).toEqual({ offset: 0, length: SNIFF_BYTES });
    expect(reads[0]?.bytes).toBe(SNIFF_BYTES);
  });
});
