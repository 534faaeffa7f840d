import { Sha256 } from "@aws-crypto/sha256-js";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inProcessHandler } from "./support/in-process-handler";
import { BUCKET, ENDPOINT, after, s3ErrorOf, send, streamOf, uniqueKey } from "./support/storage";
import { sha256Hex } from "./vectors/raw-request";

const signer = () =>
  new SignatureV4({
    credentials: { accessKeyId: env.R2_ACCESS_KEY_ID, secretAccessKey: env.R2_SECRET_ACCESS_KEY },
    region: "auto",
    service: "s3",
    sha256: Sha256,
    uriEscapePath: false,
  });

/** A PUT signed in its Authorization header by the SDK's signer, payload hash included. */
async function signedPut(key: string, body: string, headers: Record<string, string> = {}, signingDate = after(0)()) {
  const url = new URL(`${ENDPOINT}/${BUCKET}/${key}`);
  const signed = await signer().sign(
    new HttpRequest({
      method: "PUT",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: {
        host: url.host,
        "content-type": "text/plain",
        "content-length": String(new TextEncoder().encode(body).byteLength),
        "x-amz-content-sha256": await sha256Hex(body),
        ...headers,
      },
      body,
    }),
    { signingDate },
  );
  return new Request(url, { method: "PUT", headers: signed.headers, body });
}

describe("the real S3 client, header-signed", () => {
  it("puts, heads, gets and deletes an object", async () => {
    const client = new S3Client({
      region: "auto",
      endpoint: ENDPOINT,
      forcePathStyle: true,
      credentials: { accessKeyId: env.R2_ACCESS_KEY_ID, secretAccessKey: env.R2_SECRET_ACCESS_KEY },
      requestChecksumCalculation: "WHEN_REQUIRED",
      requestHandler: inProcessHandler(),
    });
    const key = uniqueKey("summary.txt");

    const put = await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "generated text", ContentType: "text/plain; charset=utf-8", Metadata: { model: "echo" } }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    const get = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: "bytes=0-8" }));
    const text = await get.Body?.transformToString();
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const missing = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).catch((error: unknown) => error);

    expect(put.ETag).toBe(head.ETag);
    expect(head).toMatchObject({ ContentLength: 14, ContentType: "text/plain; charset=utf-8", Metadata: { model: "echo" } });
    expect(text).toBe("generated");
    expect(get.ContentRange).toBe("bytes 0-8/14");
    expect(missing).toBeInstanceOf(S3ServiceException);
    expect((missing as S3ServiceException).$metadata.httpStatusCode).toBe(404);
    expect(await env.BUCKET.head(key)).toBeNull();
  });
});

describe("header-signed PUT with a signed payload hash", () => {
  it("stores a body that matches the signed hash", async () => {
    const key = uniqueKey();
    const response = await send(await signedPut(key, "exactly these bytes"));

    expect(response.status).toBe(200);
    expect(await (await env.BUCKET.get(key))?.text()).toBe("exactly these bytes");
  });

  it("refuses a body whose hash differs from the signed one, storing nothing", async () => {
    const key = uniqueKey();
    // The signature is valid, but over the hash of other bytes than those sent.
    const signed = await signedPut(key, "the signed bytes!!", { "x-amz-content-sha256": await sha256Hex("other bytes here!!") });

    const response = await send(signed);

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).code).toBe("XAmzContentSHA256Mismatch");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses a wrong hash however the body is chunked, storing nothing", async () => {
    const key = uniqueKey();
    const signed = await signedPut(key, "0123456789", { "x-amz-content-sha256": await sha256Hex("9876543210") });

    const response = await send(new Request(signed.url, { method: "PUT", headers: signed.headers, body: streamOf("01234", "56789") }));

    expect((await s3ErrorOf(response)).code).toBe("XAmzContentSHA256Mismatch");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("stores a body whose Content-MD5 matches", async () => {
    const key = uniqueKey();
    const md5 = new Uint8Array(await crypto.subtle.digest("MD5", new TextEncoder().encode("some bytes")));

    const response = await send(await signedPut(key, "some bytes", { "content-md5": btoa(String.fromCharCode(...md5)) }));

    expect(response.status).toBe(200);
    expect(await (await env.BUCKET.get(key))?.text()).toBe("some bytes");
  });

  it("refuses a Content-MD5 that does not match with BadDigest", async () => {
    const key = uniqueKey();
    const response = await send(await signedPut(key, "some bytes", { "content-md5": btoa("0123456789abcdef") }));

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).code).toBe("BadDigest");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses an x-amz-* header the signature does not cover", async () => {
    const key = uniqueKey();
    const signed = await signedPut(key, "hello");
    const headers = new Headers(signed.headers);
    headers.set("x-amz-meta-owner", "mallory");

    const response = await send(new Request(signed.url, { method: "PUT", headers, body: "hello" }));

    expect(response.status).toBe(403);
    expect((await s3ErrorOf(response)).code).toBe("AccessDenied");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses a request signed more than 15 minutes from the endpoint's clock", async () => {
    const key = uniqueKey();
    const response = await send(await signedPut(key, "hello"), after(16 * 60));

    expect(response.status).toBe(403);
    expect((await s3ErrorOf(response)).code).toBe("RequestTimeTooSkewed");
  });

  it("needs x-amz-content-sha256, as S3 does", async () => {
    const key = uniqueKey();
    const url = new URL(`${ENDPOINT}/${BUCKET}/${key}`);
    const signed = await signer().sign(
      new HttpRequest({ method: "GET", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } }),
      { signingDate: after(0)() },
    );
    const withoutHash = new Headers(signed.headers);
    withoutHash.delete("x-amz-content-sha256");

    const response = await send(new Request(url, { headers: withoutHash }));

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).message).toContain("x-amz-content-sha256");
  });
});
