import { createHash, randomUUID } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startLocalStack, type LocalStack } from "@trove/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, putPresigned } from "./api";
import { HTML_PAGE, SVG_WITH_SCRIPT, makeFixtures, type Fixture } from "./fixtures";

const BUCKET = "trove-uploads";

let stack: LocalStack;
let alice: ReturnType<typeof api>;
let s3: S3Client;
let files: Awaited<ReturnType<typeof makeFixtures>>;

beforeAll(async () => {
  [stack, files] = await Promise.all([
    startLocalStack({ port: 9610, storagePort: 9611 }),
    makeFixtures(),
  ]);
  alice = api(stack.url, stack.token("alice"));
  s3 = new S3Client({
    endpoint: stack.storage,
    region: "auto",
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials: {
      accessKeyId: stack.secrets.R2_ACCESS_KEY_ID!,
      secretAccessKey: stack.secrets.R2_SECRET_ACCESS_KEY!,
    },
  });
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
});

async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "NotFound") return false;
    throw error;
  }
}

/** Waits until an object is gone, since the processor deletes it after the event arrives. */
async function eventuallyGone(key: string, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await objectExists(key))) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

describe("files that end ready", () => {
  it.each(["png", "jpeg", "pdf"] as const)("a real %s sent with fetch to the presigned URL", async (kind) => {
    const file: Fixture = files[kind];
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
    });
    expect(created.key).toBe(`u/alice/${created.id}`);

    const put = await putPresigned(created, file.bytes);
    expect(put.status, await put.clone().text()).toBe(200);

    const state = await alice.settle(created.id);
    expect(state.status).toBe("ready");
    expect(state.detectedType).toBe(file.contentType);

    const link = await alice.call("GET", `/v1/files/${created.id}/download`);
    expect(link.status).toBe(200);
    const download = await fetch(link.json.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(download.headers.get("content-type")).toBe(file.contentType);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(file.bytes);
  });

  it("a real MP4 sent with the AWS SDK's S3 client, header-signed", async () => {
    const file = files.mp4;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
    });

    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: created.key,
        Body: file.bytes,
        ContentType: file.contentType,
        ContentLength: file.bytes.byteLength,
      }),
    );

    const state = await alice.settle(created.id);
    expect(state.status).toBe("ready");
    expect(state.detectedType).toBe("video/mp4");

    const listed = await alice.call("GET", "/v1/files?limit=10");
    expect(listed.status).toBe(200);
    expect(listed.json.items.map((item: { id: string }) => item.id)).toContain(created.id);
  });
});

describe("an upload that declares its SHA-256", () => {
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

  it("ends ready when the body has that digest", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
      sha256: sha256(file.bytes),
    });
    expect(created.upload.headers["x-amz-checksum-sha256"]).toBe(
      createHash("sha256").update(file.bytes).digest("base64"),
    );

    const put = await putPresigned(created, file.bytes);
    expect(put.status, await put.clone().text()).toBe(200);
    expect((await alice.settle(created.id)).status).toBe("ready");
  });

  it("is refused by storage for a body of the right length but another digest, storing nothing", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
      sha256: sha256(file.bytes),
    });
    const altered = file.bytes.slice();
    altered[altered.length - 1] = (altered[altered.length - 1]! + 1) % 256;

    const put = await putPresigned(created, altered);

    expect(put.status).toBe(400);
    expect(await put.text()).toContain("<Code>BadDigest</Code>");
    expect(await objectExists(created.key)).toBe(false);
    expect((await alice.settle(created.id, 1_000)).status).toBe("pending");
  });

  it("cannot drop the checksum header: it is signed", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
      sha256: sha256(file.bytes),
    });
    const { "x-amz-checksum-sha256": _dropped, ...withoutChecksum } = created.upload.headers;

    const put = await putPresigned(created, file.bytes, withoutChecksum);

    expect(put.status).toBe(403);
    expect(await put.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(await objectExists(created.key)).toBe(false);
  });
});

describe("files that are rejected or refused, leaving nothing in the bucket", () => {
  it("an HTML page declared as image/png", async () => {
    const created = await alice.createUpload({
      filename: "cat.png",
      contentType: "image/png",
      size: HTML_PAGE.byteLength,
    });
    expect((await putPresigned(created, HTML_PAGE)).status).toBe(200);

    const state = await alice.settle(created.id);
    expect(state.status).toBe("rejected");
    expect(state.reason).toMatch(/^active_content: .*HTML/i);
    expect(await eventuallyGone(created.key)).toBe(true);

    const link = await alice.call("GET", `/v1/files/${created.id}/download`);
    expect(link.status).toBe(404);
  });

  it("an SVG with a script declared as an image", async () => {
    const asSvg = await alice.call("POST", "/v1/uploads", {
      filename: "logo.svg",
      contentType: "image/svg+xml",
      size: SVG_WITH_SCRIPT.byteLength,
    });
    expect(asSvg.status).toBe(415);

    const created = await alice.createUpload({
      filename: "logo.png",
      contentType: "image/png",
      size: SVG_WITH_SCRIPT.byteLength,
    });
    expect((await putPresigned(created, SVG_WITH_SCRIPT)).status).toBe(200);

    const state = await alice.settle(created.id);
    expect(state.status).toBe("rejected");
    expect(state.reason).toMatch(/^active_content: .*script/i);
    expect(await eventuallyGone(created.key)).toBe(true);
  });

  it("a file larger than declared, sent to the presigned URL, is refused by storage", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength - 10,
    });
    const put = await fetch(created.upload.url, {
      method: "PUT",
      headers: { "content-type": file.contentType },
      body: file.bytes,
    });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(await objectExists(created.key)).toBe(false);
    expect((await alice.settle(created.id, 1_000)).status).toBe("pending");
  });

  it("a file larger than declared, written with valid credentials, is rejected by the processor", async () => {
    const file = files.jpeg;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: 100,
    });
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: created.key, Body: file.bytes, ContentType: file.contentType }),
    );

    const state = await alice.settle(created.id);
    expect(state.status).toBe("rejected");
    expect(await eventuallyGone(created.key)).toBe(true);
  });

  it("an object whose key belongs to no pending upload", async () => {
    const key = `u/alice/${randomUUID()}`;
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: files.png.bytes, ContentType: "image/png" }),
    );
    expect(await eventuallyGone(key)).toBe(true);
  });

  it("a tampered or foreign presigned URL stores nothing", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
    });

    const otherKey = new URL(created.upload.url);
    otherKey.pathname = `/${BUCKET}/u/mallory/${created.id}`;
    const foreign = await fetch(otherKey, { method: "PUT", headers: created.upload.headers, body: file.bytes });
    expect(foreign.status).toBe(403);
    expect(await objectExists(`u/mallory/${created.id}`)).toBe(false);

    const retyped = await putPresigned(created, file.bytes, {
      ...created.upload.headers,
      "content-type": "text/html",
    });
    expect(retyped.status).toBe(403);
    expect(await objectExists(created.key)).toBe(false);
  });
});

describe("a presigned PUT used again", () => {
  it("after the upload is ready is refused, and the ready file keeps its bytes", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
    });
    expect((await putPresigned(created, file.bytes)).status).toBe(200);
    expect((await alice.settle(created.id)).status).toBe("ready");

    // Same length and signed type, other bytes: what a leaked URL would be replayed with.
    const other = new Uint8Array(file.bytes.byteLength).fill(0x20);
    other.set(HTML_PAGE.subarray(0, other.byteLength));
    const replay = await putPresigned(created, other);
    expect(replay.status).toBe(412);

    // Give a stray event time to be processed before checking nothing changed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await alice.settle(created.id)).status).toBe("ready");
    const link = await alice.call("GET", `/v1/files/${created.id}/download`);
    expect(link.status).toBe(200);
    const download = await fetch(link.json.url);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(file.bytes);
  });

  it("twice at once stores one body, and the upload ends ready with that object", async () => {
    const file = files.png;
    const created = await alice.createUpload({
      filename: file.name,
      contentType: file.contentType,
      size: file.bytes.byteLength,
    });
    const twin = file.bytes.slice();
    twin[twin.byteLength - 20]! ^= 0xff;

    const statuses = await Promise.all([file.bytes, twin].map(async (bytes) => (await putPresigned(created, bytes)).status));
    expect(statuses.sort()).toEqual([200, 412]);

    expect((await alice.settle(created.id)).status).toBe("ready");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await alice.settle(created.id)).status).toBe("ready");
    const stored = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: created.key }));
    expect(stored.ContentLength).toBe(file.bytes.byteLength);
  });
});
