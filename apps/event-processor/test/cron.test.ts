import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { makePng } from "./files";
import { fileRow, givenUpload, usageOf } from "./helpers";

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
