import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { BUCKET, presignPut, put, s3Client, uniqueKey } from "./support/storage";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the Worker's default export", () => {
  it("answers /healthz", async () => {
    const response = await exports.default.fetch("http://127.0.0.1:8790/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, worker: "local-storage" });
  });

  it("accepts a URL presigned just now, by the real clock", async () => {
    const key = uniqueKey();
    const url = await getSignedUrl(
      s3Client(),
      new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: "text/plain", ContentLength: 2 }),
      { expiresIn: 60, signableHeaders: new Set(["content-type", "content-length"]) },
    );

    const response = await exports.default.fetch(url, {
      method: "PUT",
      headers: { "content-type": "text/plain", "content-length": "2" },
      body: "ok",
    });

    expect(response.status).toBe(200);
    expect(await (await env.BUCKET.get(key))?.text()).toBe("ok");
  });

  it("refuses methods S3 does not serve on objects", async () => {
    const response = await exports.default.fetch(`http://127.0.0.1:8790/${BUCKET}/some/key`, { method: "PATCH" });
    // Unsigned: refused before anything else is considered.
    expect(response.status).toBe(403);
  });
});

describe("access log", () => {
  it("writes one JSON line per request with method, path, status and request id, never the signature", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5);
    const signature = new URL(url).searchParams.get("X-Amz-Signature")!;

    const response = await put(url, "hello", { "content-type": "text/plain", "content-length": "5", "x-request-id": "req-0123456789" });

    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      worker: "local-storage",
      message: "request",
      method: "PUT",
      path: new URL(url).pathname,
      status: 200,
      requestId: "req-0123456789",
    });
    expect(response.headers.get("x-amz-request-id")).toBe("req-0123456789");
    expect(lines[0]).not.toContain(signature);
    expect(lines[0]).not.toContain("X-Amz-");
    expect(lines[0]).not.toContain("hello");
  });
});
