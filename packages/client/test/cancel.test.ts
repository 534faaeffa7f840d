import { randomUUID } from "node:crypto";
import type { LocalStack } from "@trove/local-stack";
import type { UploadCreated } from "@trove/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CancelledError, createTroveClient, putToStorage, StorageError, TroveApiError } from "../src/index";
import { makePng, makeText, sleep } from "./fixtures";
import { startStack } from "./stack";

// A quota of exactly one upload's size: a second upload is refused (429) until the first one's
// reservation is released, which is how these tests see the quota from outside.
const QUOTA = 256 * 1024;

let stack: LocalStack;

beforeAll(async () => {
  stack = await startStack([`USER_QUOTA_BYTES=${QUOTA}`]);
});

afterAll(async () => {
  await stack?.stop();
});

function clientFor(user = `cancel-${randomUUID().slice(0, 8)}`, fetch?: typeof globalThis.fetch) {
  const token = stack.token(user);
  return createTroveClient(fetch ? { baseUrl: stack.url, token, fetch } : { baseUrl: stack.url, token });
}

/** Whether the whole quota can be reserved again: asks for it and cancels the ask at once. */
async function quotaIsFree(trove: ReturnType<typeof clientFor>): Promise<boolean> {
  try {
    const probe = await trove.createUpload({ filename: "probe.txt", contentType: "text/plain", size: QUOTA });
    await trove.cancelUpload(probe.id);
    return true;
  } catch (error) {
    if (error instanceof TroveApiError && error.code === "quota_exceeded") return false;
    throw error;
  }
}

/**
 * PUTs the bytes again with the upload's own URL. The URL is create-only (`if-none-match: *`),
 * so storage accepts only while nothing is at the key: success proves the key was empty.
 */
function putAgain(created: UploadCreated, bytes: Uint8Array<ArrayBuffer>) {
  const signed = created.upload.headers;
  return putToStorage({
    url: created.upload.url,
    headers: { ...signed },
    body: new Blob([bytes], { type: signed["content-type"] }),
    signed: { contentType: signed["content-type"], size: Number(signed["content-length"]) },
  });
}

describe("cancelling an upload", () => {
  it("after the PUT completed: upload() removes the upload, its object and its quota", async () => {
    const bytes = makeText(QUOTA);
    const controller = new AbortController();
    // The user presses Cancel the moment storage has answered the PUT.
    const trove = clientFor(undefined, async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === "PUT" && response.ok) controller.abort();
      return response;
    });
    let created: UploadCreated | undefined;

    const outcome = await trove
      .upload(new Blob([bytes], { type: "text/plain" }), {
        filename: "sent.txt",
        signal: controller.signal,
        onCreated: (made) => (created = made),
      })
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(CancelledError);
    if (!created) throw new Error("the upload was never created");
    // Storage's event reaches the processor within milliseconds, so the cancel and the
    // processor's verdict race: cancelled if the cancel came first, else the ready file was
    // deleted by upload(). Either way the user's file is gone and holds no quota.
    expect(["cancelled", "deleted"]).toContain((await trove.getUpload(created.id)).status);
    expect(await quotaIsFree(trove)).toBe(true);
    expect((await trove.listFiles()).items).toEqual([]);
    // The URL is create-only (`if-none-match: *`): storing again works only on an empty key.
    await putAgain(created, bytes);
  });

  it("bytes that arrive after a cancel are deleted; the upload stays cancelled", async () => {
    const trove = clientFor();
    const bytes = makeText(QUOTA);
    const created = await trove.createUpload({ filename: "late.txt", contentType: "text/plain", size: QUOTA });
    await trove.cancelUpload(created.id);

    // The still-valid URL stores the bytes; the processor deletes them, freeing the key again.
    await putAgain(created, bytes);
    let emptied = false;
    for (let attempt = 0; attempt < 50 && !emptied; attempt++) {
      await sleep(100);
      emptied = await putAgain(created, bytes).then(
        () => true,
        (error: unknown) => {
          if (error instanceof StorageError) return false;
          throw error;
        },
      );
    }

    expect(emptied).toBe(true);
    expect((await trove.getUpload(created.id)).status).toBe("cancelled");
    expect(await quotaIsFree(trove)).toBe(true);
    expect((await trove.listFiles()).items).toEqual([]);
  });

  it("cancelUpload cancels a pending upload, and again answers without error", async () => {
    const trove = clientFor();
    const created = await trove.createUpload({ filename: "later.txt", contentType: "text/plain", size: QUOTA });
    expect(await quotaIsFree(trove)).toBe(false);

    await trove.cancelUpload(created.id);
    await trove.cancelUpload(created.id);

    expect((await trove.getUpload(created.id)).status).toBe("cancelled");
    expect(await quotaIsFree(trove)).toBe(true);
  });

  it("cancelUpload refuses a ready upload with 409 not_pending and leaves the file", async () => {
    const trove = clientFor();
    const png = makePng();
    const state = await trove.upload(new File([png], "kept.png", { type: "image/png" }));
    expect(state.status).toBe("ready");

    const error = await trove.cancelUpload(state.id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TroveApiError);
    expect(error).toMatchObject({ status: 409, code: "not_pending" });
    expect((await trove.listFiles()).items.map((item) => item.id)).toEqual([state.id]);
  });

  it("cancelUpload of another user's upload is a 404 and changes nothing", async () => {
    const owner = clientFor();
    const created = await owner.createUpload({ filename: "mine.txt", contentType: "text/plain", size: 10 });

    const error = await clientFor().cancelUpload(created.id).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 404, code: "not_found" });
    expect((await owner.getUpload(created.id)).status).toBe("pending");
  });
});
