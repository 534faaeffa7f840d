import * as v from "valibot";
import { R2EventSchema, type R2Event } from "@trove/contracts";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { receivedEvents } from "./observer-worker";
import { BUCKET, ENDPOINT, after, checksumSha256, presignPut, put, send, streamOf, uniqueKey } from "./support/storage";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";

/** Waits for the Queue consumer to see an event for `key` with `action`, and validates it. */
async function eventFor(key: string, action: R2Event["action"]): Promise<R2Event> {
  const found = await vi.waitUntil(
    () => receivedEvents.find((body) => v.is(R2EventSchema, body) && body.object.key === key && body.action === action),
    { timeout: 5000, interval: 20 },
  );
  return v.parse(R2EventSchema, found);
}

async function signedDelete(key: string): Promise<Request> {
  const url = new URL(`${ENDPOINT}/${BUCKET}/${key}`);
  const signer = new SignatureV4({
    credentials: { accessKeyId: env.R2_ACCESS_KEY_ID, secretAccessKey: env.R2_SECRET_ACCESS_KEY },
    region: "auto",
    service: "s3",
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: "DELETE",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    }),
    { signingDate: after(0)() },
  );
  return new Request(url, { method: "DELETE", headers: signed.headers });
}

describe("R2 event notifications on the Queue", () => {
  it("sends PutObject with the key, size and eTag after a write", async () => {
    const key = uniqueKey("photo.png");
    const url = await presignPut(key, "image/png", 7);
    const response = await put(url, "\x89PNG..", { "content-type": "image/png", "content-length": "7" });
    expect(response.status).toBe(200);
    const stored = await env.BUCKET.head(key);

    const event = await eventFor(key, "PutObject");

    expect(event).toEqual({
      account: env.ACCOUNT_ID,
      action: "PutObject",
      bucket: BUCKET,
      object: { key, size: 7, eTag: stored!.etag },
      eventTime: after(60)().toISOString(),
    });
  });

  it("sends DeleteObject carrying only the key after a delete, and none for an absent key", async () => {
    const key = uniqueKey();
    const absent = uniqueKey("never-stored");
    await env.BUCKET.put(key, "to be removed");

    const missing = await send(await signedDelete(absent));
    const response = await send(await signedDelete(key));

    expect(missing.status).toBe(204);
    expect(response.status).toBe(204);
    expect(await env.BUCKET.head(key)).toBeNull();
    const event = await eventFor(key, "DeleteObject");
    expect(event.object).toEqual({ key });
    expect(event).toMatchObject({ action: "DeleteObject", bucket: BUCKET, account: env.ACCOUNT_ID });
    // Sent in order, so by the time the later delete's event arrived the earlier one would have too.
    expect(receivedEvents.some((body) => (body as R2Event).object?.key === absent)).toBe(false);
  });

  it("sends nothing for a refused write", async () => {
    const refused = uniqueKey("refused");
    const accepted = uniqueKey("accepted");
    const refusedUrl = await presignPut(refused, "text/plain", 10);
    const acceptedUrl = await presignPut(accepted, "text/plain", 2);

    const first = await put(refusedUrl, streamOf("short"), { "content-type": "text/plain", "content-length": "10" });
    const second = await put(acceptedUrl, "ok", { "content-type": "text/plain", "content-length": "2" });

    expect(first.status).toBe(400);
    expect(second.status).toBe(200);
    await eventFor(accepted, "PutObject");
    expect(receivedEvents.some((body) => (body as R2Event).object?.key === refused)).toBe(false);
  });

  it("sends nothing for a body whose x-amz-checksum-sha256 does not match", async () => {
    const refused = uniqueKey("bad-checksum");
    const accepted = uniqueKey("after-bad-checksum");
    const sum = await checksumSha256("hello");
    const refusedUrl = await presignPut(refused, "text/plain", 5, { checksumSha256: sum });
    const acceptedUrl = await presignPut(accepted, "text/plain", 2);

    const first = await put(refusedUrl, "jello", { "content-type": "text/plain", "content-length": "5", "x-amz-checksum-sha256": sum });
    const second = await put(acceptedUrl, "ok", { "content-type": "text/plain", "content-length": "2" });

    expect(first.status).toBe(400);
    expect(second.status).toBe(200);
    await eventFor(accepted, "PutObject");
    expect(receivedEvents.some((body) => (body as R2Event).object?.key === refused)).toBe(false);
  });
});
