import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import * as v from "valibot";
import { UploadCreatedSchema } from "@trove/contracts";
import { call, newUser, problemOf, rowsOf, seedFile, seedUsage, tokenFor } from "./helpers";

const MiB = 1024 * 1024;
const QUOTA = Number(env.USER_QUOTA_BYTES);

const intent = { filename: "holiday photo.png", contentType: "image/png", size: 2048 };

async function post(userId: string, body: unknown, headers?: Record<string, string>) {
  return call("POST", "/v1/uploads", { token: await tokenFor(userId), json: body, headers });
}

describe("POST /v1/uploads", () => {
  it("records a pending upload, reserves its bytes and presigns a PUT", async () => {
    const user = newUser();
    const sha256 = "AB".repeat(32);
    const response = await post(user, { ...intent, sha256 });

    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const created = v.parse(UploadCreatedSchema, await response.json());
    expect(created.key).toBe(`u/${user}/${created.id}`);
    expect(created.upload.headers).toEqual({
      "content-type": "image/png",
      "content-length": "2048",
      "if-none-match": "*",
      // The same digest as S3 writes it: base64 of the 32 bytes.
      "x-amz-checksum-sha256": btoa(String.fromCharCode(...Array(32).fill(0xab))),
    });

    const expiresIn = Date.parse(created.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);

    const { files, usage } = await rowsOf(user);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      id: created.id,
      key: created.key,
      origin: "upload",
      status: "pending",
      filename: "holiday photo.png",
      content_type: "image/png",
      size: 2048,
      sha256: "ab".repeat(32),
      upload_expires_at: Date.parse(created.expiresAt),
    });
    expect(usage).toEqual({ used_bytes: 0, reserved_bytes: 2048 });
  });

  it("signs content type, length, host and If-None-Match: * (the URL cannot overwrite), with no empty-body checksum", async () => {
    const response = await post(newUser(), intent);
    const created = v.parse(UploadCreatedSchema, await response.json());
    const url = new URL(created.upload.url);

    expect(url.origin).toBe(env.R2_ENDPOINT);
    expect(url.pathname).toBe(`/${env.R2_BUCKET_NAME}/${created.key}`);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host;if-none-match");
    expect(url.searchParams.get("X-Amz-Expires")).toBe(env.UPLOAD_URL_TTL_SECONDS);
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^test-access-key\/\d{8}\/auto\/s3\/aws4_request$/);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
    expect(names).not.toContain("x-amz-checksum-crc32");
    expect(names).not.toContain("content-type");
    expect(names).not.toContain("content-length");
    expect(names).not.toContain("if-none-match");
    expect(names).not.toContain("x-amz-checksum-sha256");
    expect(created.upload.headers).not.toHaveProperty("x-amz-checksum-sha256");
  });

  it("signs x-amz-checksum-sha256 as a header, not a query parameter, when the intent gives sha256", async () => {
    const sha256 = "0123456789abcdef".repeat(4);
    const response = await post(newUser(), { ...intent, sha256 });
    const created = v.parse(UploadCreatedSchema, await response.json());
    const url = new URL(created.upload.url);

    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe(
      "content-length;content-type;host;if-none-match;x-amz-checksum-sha256",
    );
    const names = [...url.searchParams.keys()].map((name) => name.toLowerCase());
    expect(names).not.toContain("x-amz-checksum-sha256");
    expect(names).not.toContain("x-amz-sdk-checksum-algorithm");
    const digest = Uint8Array.from(sha256.match(/../g)!, (pair) => parseInt(pair, 16));
    expect(created.upload.headers["x-amz-checksum-sha256"]).toBe(btoa(String.fromCharCode(...digest)));
  });

  it("keeps a Unicode filename, normalised to NFC and trimmed", async () => {
    const user = newUser();
    const decomposed = "  Cafe\u0301 menu.pdf ";
    const response = await post(user, { ...intent, filename: decomposed, contentType: "application/pdf" });

    expect(response.status).toBe(201);
    const { files } = await rowsOf(user);
    expect(files[0]?.filename).toBe("Caf\u00e9 menu.pdf");
  });
});

describe("POST /v1/uploads refuses bad input and changes nothing", () => {
  const badBodies: [string, unknown, string[]][] = [
    ["an unknown field", { ...intent, owner: "mallory" }, ["owner"]],
    ["several unknown fields", { ...intent, key: "x", path: "y" }, ["key", "path"]],
    // JSON.parse makes these own keys, as it does for a request body.
    ["a __proto__ field", JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(intent).slice(1)}`), ["__proto__"]],
    ["a constructor field", { ...intent, constructor: { prototype: { admin: true } } }, ["constructor"]],
    ["a prototype field", { ...intent, prototype: 1 }, ["prototype"]],
    ["a missing filename", { contentType: "image/png", size: 1 }, ["filename"]],
    ["a filename with /", { ...intent, filename: "../../etc/passwd" }, ["filename"]],
    ["a filename with \\", { ...intent, filename: "C:\\Users\\me\\a.png" }, ["filename"]],
    ["a filename with a control character", { ...intent, filename: "a\u0000b.png" }, ["filename"]],
    ["a filename with a newline", { ...intent, filename: "a\nb.png" }, ["filename"]],
    ["a filename with a bidi override", { ...intent, filename: "gnp\u202e.exe" }, ["filename"]],
    ["a filename with a line separator", { ...intent, filename: "a\u2028b.png" }, ["filename"]],
    ["a filename with a paragraph separator", { ...intent, filename: "a\u2029b.png" }, ["filename"]],
    ["a filename of 5,000 bytes", { ...intent, filename: `${"a".repeat(4996)}.png` }, ["filename"]],
    ["a filename of 256 bytes", { ...intent, filename: "é".repeat(128) }, ["filename"]],
    ["an empty filename", { ...intent, filename: "   " }, ["filename"]],
    ["a filename of ..", { ...intent, filename: ".." }, ["filename"]],
    ["a lone surrogate", { ...intent, filename: "a\ud800.png" }, ["filename"]],
    ["a filename that is not a string", { ...intent, filename: 42 }, ["filename"]],
    ["a negative size", { ...intent, size: -1 }, ["size"]],
    ["a zero size", { ...intent, size: 0 }, ["size"]],
    ["a fractional size", { ...intent, size: 1.5 }, ["size"]],
    ["a huge size", { ...intent, size: 1e300 }, ["size"]],
    ["a size as a string", { ...intent, size: "2048" }, ["size"]],
    ["a malformed content type", { ...intent, contentType: "png" }, ["contentType"]],
    ["a content type with parameters", { ...intent, contentType: "text/plain; charset=utf-8" }, ["contentType"]],
    ["a short sha256", { ...intent, sha256: "abc" }, ["sha256"]],
    ["a non-hex sha256", { ...intent, sha256: "z".repeat(64) }, ["sha256"]],
  ];

  it.each(badBodies)("400 for %s", async (_case, body, paths) => {
    const user = newUser();
    const response = await post(user, body);

    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors?.map((issue) => issue.path).sort()).toEqual(expect.arrayContaining(paths));
    expect(new Set(problem.errors?.map((issue) => issue.path))).toEqual(new Set(paths));
    expect(await rowsOf(user)).toEqual({ files: [], usage: null });
  });

  it("names the rule a filename broke", async () => {
    const response = await post(newUser(), { ...intent, filename: "docs/a.png" });
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      { path: "filename", message: "filename must not contain / or \\: send the file's name, not a path." },
    ]);
  });

  const badRequests: [string, { body?: string; headers?: Record<string, string> }, number, string][] = [
    ["a missing body", { headers: { "content-type": "application/json" } }, 400, "invalid_request"],
    ["malformed JSON", { body: "{\"filename\":", headers: { "content-type": "application/json" } }, 400, "malformed_json"],
    ["a JSON array", { body: "[1,2]", headers: { "content-type": "application/json" } }, 400, "invalid_request"],
    ["a JSON null", { body: "null", headers: { "content-type": "application/json" } }, 400, "invalid_request"],
    ["a form body", { body: "filename=a.png", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, "unsupported_content_type"],
    ["a JSON text sequence", { body: JSON.stringify(intent), headers: { "content-type": "application/json-seq" } }, 415, "unsupported_content_type"],
    ["a JSON-ish type", { body: JSON.stringify(intent), headers: { "content-type": "application/jsonx" } }, 415, "unsupported_content_type"],
    ["an oversized body", { body: JSON.stringify({ ...intent, pad: "x".repeat(70_000) }), headers: { "content-type": "application/json" } }, 413, "body_too_large"],
  ];

  it.each(badRequests)("%s is a %i problem", async (_case, request, status, code) => {
    const user = newUser();
    const response = await call("POST", "/v1/uploads", { token: await tokenFor(user), ...request });

    expect(response.status).toBe(status);
    expect((await problemOf(response)).code).toBe(code);
    expect(await rowsOf(user)).toEqual({ files: [], usage: null });
  });

  it("413 too_large for a size over the limit", async () => {
    const user = newUser();
    const response = await post(user, { ...intent, size: Number(env.MAX_UPLOAD_BYTES) + 1 });

    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe("too_large");
    expect(await rowsOf(user)).toEqual({ files: [], usage: null });
  });

  it("accepts a size exactly at the limit", async () => {
    const response = await post(newUser(), { ...intent, size: 10 * MiB });
    expect(response.status).toBe(201);
  });

  it.each(["text/html", "image/svg+xml", "application/x-msdownload", "application/octet-stream"])(
    "415 unsupported_type for %s",
    async (contentType) => {
      const user = newUser();
      const response = await post(user, { ...intent, contentType });

      expect(response.status).toBe(415);
      expect((await problemOf(response)).code).toBe("unsupported_type");
      expect(await rowsOf(user)).toEqual({ files: [], usage: null });
    },
  );
});

describe("POST /v1/uploads quota", () => {
  it("429 quota_exceeded without Retry-After when the size does not fit", async () => {
    const user = newUser();
    await seedUsage(user, QUOTA - 1000, 500);
    const response = await post(user, { ...intent, size: 501 });

    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
    expect((await problemOf(response)).code).toBe("quota_exceeded");
    expect(await rowsOf(user)).toEqual({ files: [], usage: { used_bytes: QUOTA - 1000, reserved_bytes: 500 } });

    expect((await post(user, { ...intent, size: 500 })).status).toBe(201);
    expect((await rowsOf(user)).usage).toEqual({ used_bytes: QUOTA - 1000, reserved_bytes: 1000 });
  });

  it("never reserves more than the quota under 40 concurrent requests", async () => {
    const user = newUser();
    const size = 1000;
    const fits = 7;
    await seedUsage(user, QUOTA - fits * size);
    const token = await tokenFor(user);

    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        call("POST", "/v1/uploads", { token, json: { ...intent, size } }),
      ),
    );
    const statuses = responses.map((response) => response.status);

    expect(statuses.filter((status) => status === 201)).toHaveLength(fits);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - fits);
    const { files, usage } = await rowsOf(user);
    expect(usage).toEqual({ used_bytes: QUOTA - fits * size, reserved_bytes: fits * size });
    expect(files).toHaveLength(fits);
  });

  it("gives the reservation back when the pending row cannot be recorded", async () => {
    const user = newUser();
    // An id already taken makes the insert fail on the primary key, as a D1 fault would.
    const taken = await seedFile(newUser());
    const uuid = vi
      .spyOn(crypto, "randomUUID")
      .mockReturnValueOnce(taken.id as ReturnType<typeof crypto.randomUUID>);

    // With a request id given, the upload id is the first UUID the Worker makes.
    const response = await post(user, intent, { "x-request-id": "reservation-release-test" });
    uuid.mockRestore();

    expect(response.status).toBe(500);
    expect((await problemOf(response)).code).toBe("internal_error");
    expect(await rowsOf(user)).toEqual({ files: [], usage: { used_bytes: 0, reserved_bytes: 0 } });
  });
});

describe("POST /v1/uploads rate limit", () => {
  it("answers the 61st request in a minute with 429 rate_limited and Retry-After", async () => {
    const user = newUser();
    const token = await tokenFor(user);
    for (let i = 0; i < 60; i++) {
      // Invalid bodies still count: the limit is on requests, checked before the body is read.
      const response = await call("POST", "/v1/uploads", { token, json: { size: -1 } });
      expect(response.status).toBe(400);
    }

    const limited = await call("POST", "/v1/uploads", { token, json: intent });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await problemOf(limited)).code).toBe("rate_limited");
    expect(await rowsOf(user)).toEqual({ files: [], usage: null });

    // Another user's allowance is untouched.
    expect((await post(newUser(), intent)).status).toBe(201);
  });
});
