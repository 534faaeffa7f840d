import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { makePng, text } from "./files";
import { findOutboxEntry } from "@trove/db";
import { OUTBOX_SETTLE_MS } from "../src/outbox";
import {
  db,
  DEAD_LETTERS,
  deliver,
  EVENTS,
  fileRow,
  givenUpload,
  putEvent,
  upload,
  usageOf,
} from "./helpers";
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

const outboxRow = (id: string) => findOutboxEntry(db, id);

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
  /** A cron run late enough that every outbox row written so far has settled. */
  const laterCron = () =>
    worker.scheduled(
      createScheduledController({ scheduledTime: Date.now() + OUTBOX_SETTLE_MS + 1000 }),
      env,
    );

  it("stays in the outbox, the event is acked, and the next cron run sends it once", async () => {
    const { file, event } = await readyUpload();

    const failed = await deliver(EVENTS, [event], { env: queueFailing() });
    expect(failed.result.explicitAcks).toEqual(failed.ids);
    expect((await fileRow(file.id)).status).toBe("ready");
    expect(await outboxRow(`${file.id}:ready`)).toMatchObject({
      attempts: 1,
      lastError: "notification_failed",
    });
    // Neither a retry nor a duplicate of the event sends it or records it again.
    await deliver(EVENTS, [event], { attempts: 2 });
    await deliver(EVENTS, [event]);
    expect(await notificationsFor(file.id)).toEqual([]);

    await laterCron();
    await laterCron();

    const sent = await notificationsFor(file.id);
    expect(sent).toEqual([
      expect.objectContaining({ id: `${file.id}:ready`, type: "upload.ready", status: "ready" }),
    ]);
    expect(await outboxRow(`${file.id}:ready`)).toBeUndefined();
  });

  it("is sent once for a rejected upload by the cron, not by the retry of its event", async () => {
    const file = await givenUpload({ contentType: "text/plain", size: 11 });
    await env.BUCKET.put(file.key, text("#!/bin/sh\nx"));
    const event = await putEvent(file.key);

    await deliver(EVENTS, [event], { env: queueFailing() });
    await deliver(EVENTS, [event], { attempts: 2 });
    expect((await fileRow(file.id)).status).toBe("rejected");
    expect(await env.BUCKET.head(file.key)).toBeNull();
    expect(await notificationsFor(file.id)).toEqual([]);

    await laterCron();

    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.rejected"]);
  });

  it("is not sent again by the dead-letter consumer; the cron sends it", async () => {
    const { file, event } = await readyUpload();
    await deliver(EVENTS, [event], { env: queueFailing() });

    const dead = await deliver(DEAD_LETTERS, [event]);
    expect(dead.result.explicitAcks).toEqual(dead.ids);
    expect(await notificationsFor(file.id)).toEqual([]);
    await laterCron();

    expect((await fileRow(file.id)).status).toBe("ready");
    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.ready"]);
  });

  it("is sent by the next cron run when the run that expired the upload could not", async () => {
    const file = await givenUpload({
      contentType: "image/png",
      size: 40,
      uploadExpiresAt: new Date(Date.now() - GRACE - 60_000),
    });

    const now = createScheduledController({ scheduledTime: Date.now() });
    await worker.scheduled(now, queueFailing());
    expect((await fileRow(file.id)).status).toBe("expired");
    expect(await notificationsFor(file.id)).toEqual([]);
    expect(await outboxRow(`${file.id}:expired`)).toMatchObject({ attempts: 1 });

    await laterCron();
    await laterCron();

    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.expired"]);
  });

  it("stays in the outbox while the queue refuses it, counting the attempts", async () => {
    const { file, event } = await readyUpload();
    await deliver(EVENTS, [event], { env: queueFailing() });
    const later = () =>
      createScheduledController({ scheduledTime: Date.now() + OUTBOX_SETTLE_MS + 1000 });

    await worker.scheduled(later(), queueFailing());
    await worker.scheduled(later(), queueFailing());

    expect(await outboxRow(`${file.id}:ready`)).toMatchObject({ attempts: 3 });
    expect(await notificationsFor(file.id)).toEqual([]);
  });
});

describe("the outbox row and its transition", () => {
  it("are recorded together or not at all", async () => {
    const { file, event } = await readyUpload();
    const before = await usageOf(file.ownerId);
    // The outbox insert, the batch's last statement, fails: the status change before it in
    // the same batch must not stay either.
    await env.DB.exec(
      "CREATE TRIGGER outbox_refuses BEFORE INSERT ON notification_outbox " +
        "BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END",
    );
    try {
      const failed = await deliver(EVENTS, [event]);
      expect(failed.result.retryMessages.map((retry) => retry.msgId)).toEqual(failed.ids);
    } finally {
      await env.DB.exec("DROP TRIGGER outbox_refuses");
    }
    expect((await fileRow(file.id)).status).toBe("pending");
    expect(await usageOf(file.ownerId)).toEqual(before);
    expect(await outboxRow(`${file.id}:ready`)).toBeUndefined();

    await deliver(EVENTS, [event], { attempts: 2 });

    expect((await fileRow(file.id)).status).toBe("ready");
    const sent = await notificationsFor(file.id);
    expect(sent.map((message) => message.type)).toEqual(["upload.ready"]);
    expect(await outboxRow(`${file.id}:ready`)).toBeUndefined();
  });

  it("holds nothing after a notification was sent, and nothing for a duplicate event", async () => {
    const { file, event } = await readyUpload();

    await deliver(EVENTS, [event]);
    await deliver(EVENTS, [event]);

    expect(await outboxRow(`${file.id}:ready`)).toBeUndefined();
  });
});
