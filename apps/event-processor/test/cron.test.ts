import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { RESUME_POINT_KEY } from "../src/resume-point";
import { makePng } from "./files";
import { fileRow, givenUpload, upload, usageOf } from "./helpers";

const MINUTE = 60_000;
const GRACE = Number(env.UPLOAD_GRACE_SECONDS) * 1000;

/** Runs the cron trigger as if it fired at `at`. */
async function runCronAt(at: number) {
  await worker.scheduled(
    createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }),
    env,
  );
}

describe("expiring abandoned uploads", () => {
  it("expires a pending upload past its URL expiry plus grace and releases its reservation", async () => {
    const file = await givenUpload({
      contentType: "image/png",
      size: 500,
      uploadExpiresAt: new Date(Date.now() - GRACE - MINUTE),
    });
    const fresh = await givenUpload({
      contentType: "image/png",
      size: 70,
      ownerId: file.ownerId,
      uploadExpiresAt: new Date(Date.now() - GRACE + MINUTE),
    });

    await runCronAt(Date.now());
    const once = await fileRow(file.id);
    await runCronAt(Date.now());

    expect(once.status).toBe("expired");
    expect(once.reason).toMatch(/^expired: /);
    expect(await fileRow(file.id)).toEqual(once);
    expect((await fileRow(fresh.id)).status).toBe("pending");
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 70 });
  });

  it("deletes an object that arrived after the URL expired", async () => {
    const file = await givenUpload({
      contentType: "image/png",
      size: 100,
      uploadExpiresAt: new Date(Date.now() - GRACE - MINUTE),
    });
    await env.BUCKET.put(file.key, await makePng());

    await runCronAt(Date.now());

    expect((await fileRow(file.id)).status).toBe("expired");
    expect(await env.BUCKET.head(file.key)).toBeNull();
  });

  it("judges an object that arrived in time but whose event never came, instead of expiring it", async () => {
    const bytes = await makePng();
    const file = await givenUpload({
      contentType: "image/png",
      size: bytes.byteLength,
      uploadExpiresAt: new Date(Date.now() + MINUTE),
    });
    await env.BUCKET.put(file.key, bytes);

    await runCronAt(Date.now() + MINUTE + GRACE + MINUTE);

    expect(await fileRow(file.id)).toMatchObject({ status: "ready", detectedType: "image/png" });
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: bytes.byteLength, reservedBytes: 0 });
  });
});

describe("reconciling storage with D1", () => {
  it("deletes old objects no pending or ready file owns, and keeps young ones and owned ones", async () => {
    const bytes = await makePng();
    const ready = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(ready.key, bytes);
    const pending = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(pending.key, bytes);
    const failed = await givenUpload({ contentType: "image/png", size: 5, status: "failed" });
    await env.BUCKET.put(failed.key, bytes);
    const stray = `u/nobody/${crypto.randomUUID()}`;
    await env.BUCKET.put(stray, bytes);
    await env.BUCKET.put("elsewhere/not-an-upload", bytes);

    // Right after the writes, everything is too young to be called a stray.
    await runCronAt(Date.now());
    expect(await env.BUCKET.head(stray)).not.toBeNull();

    await runCronAt(Date.now() + GRACE + MINUTE);
    expect(await env.BUCKET.head(stray)).toBeNull();
    expect(await env.BUCKET.head(failed.key)).toBeNull();
    expect(await env.BUCKET.head(ready.key)).not.toBeNull();
    expect(await env.BUCKET.head(pending.key)).not.toBeNull();
    expect(await env.BUCKET.head("elsewhere/not-an-upload")).not.toBeNull();
  });

  it("marks a ready file whose object is gone as deleted and frees its bytes", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(file.key, bytes);
    await env.BUCKET.delete(file.key);

    await runCronAt(Date.now());

    const row = await fileRow(file.id);
    expect(row.status).toBe("deleted");
    expect(row.reason).toMatch(/^object_missing: /);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  });

  it("bounds the work per run and resumes where it stopped", async () => {
    const prefix = `u/bulk-${crypto.randomUUID().slice(0, 8)}`;
    const keys = Array.from({ length: 1100 }, (_, i) => `${prefix}/${String(i).padStart(5, "0")}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((key) => env.BUCKET.put(key, "x")));
    }
    const later = Date.now() + GRACE + MINUTE;
    const remaining = async () => (await env.BUCKET.list({ prefix, limit: 1000 })).objects.length;

    await runCronAt(later);
    const afterFirst = await remaining();
    const resumePoint = await (await env.BUCKET.get(RESUME_POINT_KEY))?.json();
    await runCronAt(later);

    expect(afterFirst).toBe(100);
    expect(resumePoint).toEqual({ after: keys[999] });
    expect(await remaining()).toBe(0);
  });
});
