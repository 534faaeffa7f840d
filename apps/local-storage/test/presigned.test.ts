import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  BUCKET,
  ENDPOINT,
  after,
  checksumSha256,
  presignGet,
  presignPut,
  put,
  s3Client,
  s3ErrorOf,
  send,
  streamOf,
  uniqueKey,
} from "./support/storage";

const PNG = "\x89PNG\r\n\x1a\n-a-small-test-image";
const bytes = (text: string) => new TextEncoder().encode(text);

describe("presigned PUT (content type and length signed)", () => {
  it("stores exactly what was signed and answers with the ETag", async () => {
    const key = uniqueKey("photo.png");
    const body = bytes(PNG);
    const url = await presignPut(key, "image/png", body.byteLength);

    const response = await put(url, body, { "content-type": "image/png", "content-length": String(body.byteLength) });

    expect(response.status).toBe(200);
    const stored = await env.BUCKET.get(key);
    expect(stored).not.toBeNull();
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(body);
    expect(stored!.httpMetadata?.contentType).toBe("image/png");
    expect(response.headers.get("etag")).toBe(stored!.httpEtag);
  });

  it("keeps keys with slashes, spaces and percent-escapes, decoded once", async () => {
    const key = "u/test-user/a folder/hello wörld+(1)%2F100%.txt";
    const url = await presignPut(key, "text/plain", 2);
    expect(new URL(url).pathname).toContain("%25");

    const response = await put(url, "hi", { "content-type": "text/plain", "content-length": "2" });

    expect(response.status).toBe(200);
    expect(await (await env.BUCKET.get(key))?.text()).toBe("hi");
  });

  const refusals: { what: string; code: string; tamper: (url: string) => { url: string; method?: string; headers?: Record<string, string>; body?: string } }[] = [
    {
      what: "a different content type",
      code: "SignatureDoesNotMatch",
      tamper: (url) => ({ url, headers: { "content-type": "text/html", "content-length": "5" } }),
    },
    {
      what: "a different length, body to match",
      code: "SignatureDoesNotMatch",
      tamper: (url) => ({ url, headers: { "content-type": "text/plain", "content-length": "6" }, body: "hello!" }),
    },
    {
      what: "another method",
      code: "SignatureDoesNotMatch",
      tamper: (url) => ({ url, method: "POST" }),
    },
    {
      what: "another key",
      code: "SignatureDoesNotMatch",
      tamper: (url) => ({ url: url.replace("/note.txt?", "/notes.txt?") }),
    },
    {
      what: "a changed signature",
      code: "SignatureDoesNotMatch",
      tamper: (url) => ({ url: url.replace(/X-Amz-Signature=([0-9a-f])/, (_, d) => `X-Amz-Signature=${d === "0" ? "1" : "0"}`) }),
    },
    {
      what: "an expiry stretched past what was signed",
      code: "SignatureDoesNotMatch",
      tamper: (url) => ({ url: url.replace("X-Amz-Expires=600", "X-Amz-Expires=6000") }),
    },
  ];

  for (const { what, code, tamper } of refusals) {
    it(`refuses ${what} with 403 ${code} and stores nothing`, async () => {
      const key = uniqueKey("note.txt");
      const url = await presignPut(key, "text/plain", 5);
      const changed = tamper(url);

      const response = await send(
        new Request(changed.url, {
          method: changed.method ?? "PUT",
          headers: changed.headers ?? { "content-type": "text/plain", "content-length": "5" },
          body: changed.body ?? "hello",
        }),
      );

      expect(response.status).toBe(403);
      expect((await s3ErrorOf(response)).code).toBe(code);
      expect(await env.BUCKET.head(key)).toBeNull();
      expect(await env.BUCKET.head(key.replace("note.txt", "notes.txt"))).toBeNull();
    });
  }

  it("refuses an expired URL with AccessDenied \"Request has expired\"", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5);

    const response = await put(url, "hello", { "content-type": "text/plain", "content-length": "5" }, after(601));

    expect(response.status).toBe(403);
    expect(await s3ErrorOf(response)).toMatchObject({ code: "AccessDenied", message: "Request has expired" });
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("accepts the URL up to its last second", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5);
    const response = await put(url, "hello", { "content-type": "text/plain", "content-length": "5" }, after(600));
    expect(response.status).toBe(200);
  });

  it("refuses a body shorter than signed and stores nothing", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 10);

    const response = await put(url, streamOf("short"), { "content-type": "text/plain", "content-length": "10" });

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).code).toBe("IncompleteBody");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses a body longer than signed and stores nothing", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5);

    const response = await put(url, streamOf("hello, and then some"), { "content-type": "text/plain", "content-length": "5" });

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).code).toBe("InvalidRequest");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses a body that breaks off (the client disconnected) as incomplete, storing nothing", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 10);
    const brokenOff = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("abc"));
        controller.error(new Error("client went away"));
      },
    });

    const response = await put(url, brokenOff, { "content-type": "text/plain", "content-length": "10" });

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).code).toBe("IncompleteBody");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses extra bytes that arrive after exactly the signed length, storing nothing", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5);

    const response = await put(url, streamOf("hel", "lo", " and more"), { "content-type": "text/plain", "content-length": "5" });

    expect(response.status).toBe(400);
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("honours a signed If-None-Match: * on PUT: a second write is 412 and the first object stays", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5, { ifNoneMatch: "*" });
    const headers = { "content-type": "text/plain", "content-length": "5", "if-none-match": "*" };

    expect((await put(url, "first", headers)).status).toBe(200);
    const replay = await put(url, "other", headers);

    expect(replay.status).toBe(412);
    expect((await s3ErrorOf(replay)).code).toBe("PreconditionFailed");
    expect(await (await env.BUCKET.get(key))?.text()).toBe("first");
  });

  it("lets only one of two concurrent If-None-Match: * writes to one key succeed", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 5, { ifNoneMatch: "*" });
    const headers = { "content-type": "text/plain", "content-length": "5", "if-none-match": "*" };

    const answers = await Promise.all(["one!!", "two!!"].map((body) => put(url, body, headers)));

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 412]);
    const winner = answers.findIndex((answer) => answer.status === 200);
    expect(await (await env.BUCKET.get(key))?.text()).toBe(winner === 0 ? "one!!" : "two!!");
  });

  describe("a signed x-amz-checksum-sha256", () => {
    const headersFor = (sum: string, length = 11) => ({
      "content-type": "text/plain",
      "content-length": String(length),
      "x-amz-checksum-sha256": sum,
    });

    it("stores a body whose SHA-256 matches, also when it arrives in chunks", async () => {
      const key = uniqueKey();
      const sum = await checksumSha256("hello world");
      const url = await presignPut(key, "text/plain", 11, { checksumSha256: sum });

      const response = await put(url, streamOf("hel", "lo wo", "rld"), headersFor(sum));

      expect(response.status).toBe(200);
      expect(await (await env.BUCKET.get(key))?.text()).toBe("hello world");
    });

    it("refuses a body of the right length whose SHA-256 differs with 400 BadDigest, storing nothing", async () => {
      const key = uniqueKey();
      const sum = await checksumSha256("hello world");
      const url = await presignPut(key, "text/plain", 11, { checksumSha256: sum });

      const response = await put(url, "hello w0rld", headersFor(sum));

      expect(response.status).toBe(400);
      const error = await s3ErrorOf(response);
      expect(error.code).toBe("BadDigest");
      expect(error.message).toBe("The SHA256 you specified did not match the calculated checksum.");
      expect(await env.BUCKET.head(key)).toBeNull();
    });

    it("refuses an empty body against the checksum of another", async () => {
      const key = uniqueKey();
      const sum = await checksumSha256("x");
      const url = await presignPut(key, "text/plain", 0, { checksumSha256: sum });

      const response = await put(url, "", headersFor(sum, 0));

      expect(response.status).toBe(400);
      expect((await s3ErrorOf(response)).code).toBe("BadDigest");
      expect(await env.BUCKET.head(key)).toBeNull();
    });

    it("refuses a value that is not base64 of 32 bytes with 400 InvalidRequest, storing nothing", async () => {
      const key = uniqueKey();
      const sum = btoa("sixteen bytes!!!");
      const url = await presignPut(key, "text/plain", 11, { checksumSha256: sum });

      const response = await put(url, "hello world", headersFor(sum));

      expect(response.status).toBe(400);
      const error = await s3ErrorOf(response);
      expect(error.code).toBe("InvalidRequest");
      expect(error.message).toBe("Value for x-amz-checksum-sha256 header is invalid.");
      expect(await env.BUCKET.head(key)).toBeNull();
    });

    it("refuses the header when it was not signed", async () => {
      const key = uniqueKey();
      const url = await presignPut(key, "text/plain", 11);

      const response = await put(url, "hello world", headersFor(await checksumSha256("hello world")));

      expect(response.status).toBe(403);
      expect((await s3ErrorOf(response)).code).toBe("AccessDenied");
      expect(await env.BUCKET.head(key)).toBeNull();
    });
  });

  it("stores a body that arrives in many chunks", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 11);

    const response = await put(url, streamOf("he", "llo", " ", "world"), { "content-type": "text/plain", "content-length": "11" });

    expect(response.status).toBe(200);
    expect(await (await env.BUCKET.get(key))?.text()).toBe("hello world");
  });

  it("refuses a declared length over the endpoint's cap before reading the body", async () => {
    const key = uniqueKey();
    const tooLarge = Number(env.MAX_OBJECT_BYTES) + 1;
    const url = await presignPut(key, "video/mp4", tooLarge);

    const response = await put(url, streamOf("x"), { "content-type": "video/mp4", "content-length": String(tooLarge) });

    expect(response.status).toBe(400);
    expect((await s3ErrorOf(response)).code).toBe("EntityTooLarge");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("refuses credentials it does not know and a wrong secret", async () => {
    const key = uniqueKey();
    const stranger = s3Client({ accessKeyId: "someone-else", secretAccessKey: env.R2_SECRET_ACCESS_KEY });
    const wrongSecret = s3Client({ accessKeyId: env.R2_ACCESS_KEY_ID, secretAccessKey: "not-the-secret" });
    const headers = { "content-type": "text/plain", "content-length": "5" };

    const unknown = await put(await presignPut(key, "text/plain", 5, { client: stranger }), "hello", headers);
    const forged = await put(await presignPut(key, "text/plain", 5, { client: wrongSecret }), "hello", headers);

    expect(unknown.status).toBe(403);
    expect((await s3ErrorOf(unknown)).code).toBe("InvalidAccessKeyId");
    expect(forged.status).toBe(403);
    expect((await s3ErrorOf(forged)).code).toBe("SignatureDoesNotMatch");
    expect(await env.BUCKET.head(key)).toBeNull();
  });

  it("requires X-Amz-Expires between 1 and 604800 seconds", async () => {
    const url = await presignPut(uniqueKey(), "text/plain", 5);
    for (const expires of ["0", "604801", "-5", "soon"]) {
      const response = await put(url.replace("X-Amz-Expires=600", `X-Amz-Expires=${expires}`), "hello", {
        "content-type": "text/plain",
        "content-length": "5",
      });
      expect(response.status, expires).toBe(400);
      expect((await s3ErrorOf(response)).code).toBe("AuthorizationQueryParametersError");
    }
  });

  it("refuses an unsigned request", async () => {
    const key = uniqueKey();
    const response = await put(`${ENDPOINT}/${BUCKET}/${key}`, "hello", { "content-type": "text/plain" });
    expect(response.status).toBe(403);
    expect((await s3ErrorOf(response)).code).toBe("AccessDenied");
    expect(await env.BUCKET.head(key)).toBeNull();
  });
});

describe("presigned GET and HEAD", () => {
  async function stored(text: string, contentType = "text/plain") {
    const key = uniqueKey("report.txt");
    await env.BUCKET.put(key, text, { httpMetadata: { contentType } });
    return key;
  }

  it("returns the object with ETag, Content-Length, Last-Modified and the response-* overrides", async () => {
    const key = await stored("hello, world");
    const object = await env.BUCKET.head(key);
    const url = await presignGet(key, {
      ResponseContentDisposition: 'attachment; filename="report.txt"',
      ResponseContentType: "application/octet-stream",
      ResponseCacheControl: "no-store",
    });

    const response = await send(new Request(url));

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello, world");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="report.txt"');
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("etag")).toBe(object!.httpEtag);
    expect(response.headers.get("content-length")).toBe("12");
    expect(response.headers.get("last-modified")).toBe(object!.uploaded.toUTCString());
  });

  it("serves a Range with 206 and Content-Range, and refuses one past the end with 416", async () => {
    const key = await stored("0123456789");
    const url = await presignGet(key);

    const first = await send(new Request(url, { headers: { range: "bytes=2-5" } }));
    const suffix = await send(new Request(url, { headers: { range: "bytes=-3" } }));
    const beyond = await send(new Request(url, { headers: { range: "bytes=10-" } }));

    expect(first.status).toBe(206);
    expect(await first.text()).toBe("2345");
    expect(first.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(first.headers.get("content-length")).toBe("4");
    expect(await suffix.text()).toBe("789");
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */10");
    expect((await s3ErrorOf(beyond)).code).toBe("InvalidRange");
  });

  it("answers conditional reads with 304 and 412", async () => {
    const key = await stored("abc");
    const etag = (await env.BUCKET.head(key))!.httpEtag;
    const url = await presignGet(key);

    expect((await send(new Request(url, { headers: { "if-none-match": etag } }))).status).toBe(304);
    expect((await send(new Request(url, { headers: { "if-match": '"not-it"' } }))).status).toBe(412);
    expect((await send(new Request(url, { headers: { "if-match": etag } }))).status).toBe(200);
  });

  it("answers HEAD with the same headers and no body", async () => {
    const key = await stored("hello");
    const url = await presignGet(key);
    const head = await send(new Request(url.replace("x-id=GetObject", "x-id=GetObject"), { method: "HEAD" }));
    // A GET URL signs the method: HEAD needs its own signature.
    expect(head.status).toBe(403);

    const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
    const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
    const headUrl = await getSignedUrl(s3Client(), new HeadObjectCommand({ Bucket: BUCKET, Key: key }), {
      signingDate: new Date(after(0)()),
    });
    const response = await send(new Request(headUrl, { method: "HEAD" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("5");
    expect(response.headers.get("etag")).toBe((await env.BUCKET.head(key))!.httpEtag);
    expect(await response.text()).toBe("");
  });

  it("answers a missing key with S3's NoSuchKey document, without the query in Resource", async () => {
    const key = uniqueKey("missing.txt");
    const response = await send(new Request(await presignGet(key)));

    const error = await s3ErrorOf(response);
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ contentType: "application/xml", code: "NoSuchKey", resource: `/${BUCKET}/${key}` });
    expect(error.requestId).toBe(response.headers.get("x-amz-request-id"));
    expect(error.text).not.toContain("X-Amz-Signature");
  });

  it("answers another bucket with NoSuchBucket", async () => {
    const response = await send(new Request(await presignGet("some/key", {}, "another-bucket")));
    expect(response.status).toBe(404);
    expect((await s3ErrorOf(response)).code).toBe("NoSuchBucket");
  });
});
