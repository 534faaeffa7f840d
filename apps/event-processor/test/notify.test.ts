import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { makePng, text } from "./files";
import { DEAD_LETTERS, deliver, EVENTS, fileRow, givenUpload, putEvent, upload } from "./helpers";
import { notificationsFor } from "./notifications";

const GRACE = Number(env.UPLOAD_GRACE_SECONDS) * 1000;

/** The bindings with a notifications queue that refuses the first `failures` sends. */
function queueFailing(failures = Infinity): Env {
  let left = failures;
  const queue = {
    send: (body: unknown, options?: QueueSendOptions) => {
      if (left-- > 0) return Promise.reject(new Error("queue unavailable"));
      return env.NOTIFICATIONS.send(body, options);
    },
  };
  return { ...env, NOTIFICATIONS: queue as unknown as Queue };
}

async function readyUpload() {
  const bytes = await makePng();
  const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
  await env.BUCKET.put(file.key, bytes);
  return { file, event: await putEvent(file.key) };
}

describe("notifications on trove-notifications", () => {
  it("tells the user once that an upload is ready, with no content, key or URL", async () => {
    const { file, event } = await readyUpload();

    await deliver(EVENTS, [event]);

    const row = await fileRow(file.id);
    expect(await notificationsFor(file.id)).toEqual([
      {
        id: `${file.id}:ready`,
        type: "upload.ready",
        userId: file.ownerId,
        uploadId: file.id,
        filename: file.filename,
        contentType: "image/png",
        size: file.size,
        status: "ready",
        detectedType: "image/png",
        occurredAt: row.updatedAt.toISOString(),
      },
    ]);
  });

  it("sends nothing for a second delivery of the same event, in the same batch or later", async () => {
    const { file, event } = await readyUpload();

    await deliver(EVENTS, [event, event]);
    await deliver(EVENTS, [event]);

    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.ready"]);
  });

  it("tells the user once that an upload was rejected, with the reason", async () => {
    const bytes = text("<html><script></script></html>");
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(file.key, bytes);

    const row = await fileRow(file.id);
    const sent = await notificationsFor(file.id);
    expect(sent).toEqual([
      expect.objectContaining({
        type: "upload.rejected",
        status: "rejected",
        reason: row.reason,
        detectedType: "text/html",
        occurredAt: row.updatedAt.toISOString(),
      }),
    ]);
    expect(sent[0]?.reason).toMatch(/^active_content: /);
  });

  it("tells the user once that an upload failed when its event is dead-lettered", async () => {
    const { file, event } = await readyUpload();

    await deliver(DEAD_LETTERS, [event]);
    await deliver(DEAD_LETTERS, [event]);

    const sent = await notificationsFor(file.id);
    expect(sent).toEqual([
      expect.objectContaining({ type: "upload.failed", status: "failed", userId: file.ownerId }),
    ]);
    expect(sent[0]?.reason).toMatch(/^processing_failed: /);
  });

  it("tells the user once that an abandoned upload expired, however often the cron runs", async () => {
    const file = await givenUpload({
      contentType: "image/png",
      size: 40,
      uploadExpiresAt: new Date(Date.now() - GRACE - 60_000),
    });
    const controller = () => createScheduledController({ scheduledTime: Date.now() });

    await worker.scheduled(controller(), env);
    await worker.scheduled(controller(), env);

    const sent = await notificationsFor(file.id);
    expect(sent).toEqual([expect.objectContaining({ type: "upload.expired", status: "expired" })]);
    expect(sent[0]?.reason).toMatch(/^expired: /);
  });
});

describe("a notification that could not be queued", () => {
  it("is sent by the retry of its event, though the upload is already ready", async () => {
    const { file, event } = await readyUpload();

    const failed = await deliver(EVENTS, [event], { env: queueFailing() });
    expect(failed.result.retryMessages.map((retry) => retry.msgId)).toEqual(failed.ids);
    expect((await fileRow(file.id)).status).toBe("ready");
    expect(await notificationsFor(file.id)).toEqual([]);

    const retried = await deliver(EVENTS, [event], { attempts: 2 });
    expect(retried.result.explicitAcks).toEqual(retried.ids);
    // A later duplicate of the event, delivered for the first time, still sends nothing.
    await deliver(EVENTS, [event]);
    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.ready"]);
  });

  it("is sent for a rejected upload by the retry of its event", async () => {
    const file = await givenUpload({ contentType: "text/plain", size: 11 });
    await env.BUCKET.put(file.key, text("#!/bin/sh\nx"));
    const event = await putEvent(file.key);

    await deliver(EVENTS, [event], { env: queueFailing() });
    await deliver(EVENTS, [event], { attempts: 2 });

    expect((await fileRow(file.id)).status).toBe("rejected");
    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.rejected"]);
  });

  it("is sent by the dead-letter consumer when every attempt failed to queue it", async () => {
    const { file, event } = await readyUpload();
    for (const attempts of [1, 2, 3, 4]) await deliver(EVENTS, [event], { attempts, env: queueFailing() });

    await deliver(DEAD_LETTERS, [event]);

    expect((await fileRow(file.id)).status).toBe("ready");
    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.ready"]);
  });

  it("is tried again by the cron, which no queue redelivers", async () => {
    const file = await givenUpload({
      contentType: "image/png",
      size: 40,
      uploadExpiresAt: new Date(Date.now() - GRACE - 60_000),
    });

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() }), queueFailing(1));

    expect((await fileRow(file.id)).status).toBe("expired");
    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.expired"]);
  });
});
