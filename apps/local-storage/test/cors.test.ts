import * as v from "valibot";
import { env } from "cloudflare:workers";
import policyFile from "@trove/provision/r2-cors.json";
import { describe, expect, it } from "vitest";
import { CorsPolicySchema, findRule } from "../src/cors";
import { BUCKET, ENDPOINT, presignPut, put, s3ErrorOf, send, uniqueKey } from "./support/storage";

const objectUrl = `${ENDPOINT}/${BUCKET}/u/test-user/some-upload`;

function preflight(origin: string, method: string, requestHeaders?: string) {
  const headers: Record<string, string> = { origin, "access-control-request-method": method };
  if (requestHeaders) headers["access-control-request-headers"] = requestHeaders;
  return send(new Request(objectUrl, { method: "OPTIONS", headers }));
}

describe("the bucket CORS policy file", () => {
  it("is an S3/R2 CORS configuration that lets the local page upload", () => {
    const policy = v.parse(CorsPolicySchema, policyFile);
    for (const origin of ["http://127.0.0.1:8787", "http://localhost:8787"]) {
      expect(findRule(policy, origin, "PUT", ["content-type"]), origin).toBeDefined();
      expect(findRule(policy, origin, "GET"), origin).toBeDefined();
    }
  });

  it("allows every header the upload API tells a browser to send, x-amz-checksum-sha256 included", async () => {
    // Content-Length is set by the browser itself and never appears in a preflight.
    const response = await preflight("http://127.0.0.1:8787", "PUT", "content-type,if-none-match,x-amz-checksum-sha256");

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, if-none-match, x-amz-checksum-sha256");
  });
});

describe("CORS preflight", () => {
  for (const origin of ["http://127.0.0.1:8787", "http://localhost:8787"]) {
    it(`allows a PUT with Content-Type from ${origin}`, async () => {
      const response = await preflight(origin, "PUT", "Content-Type");

      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe(origin);
      expect(response.headers.get("access-control-allow-methods")).toContain("PUT");
      expect(response.headers.get("access-control-allow-headers")).toBe("content-type");
      expect(response.headers.get("access-control-max-age")).toBe("3600");
      expect(response.headers.get("vary")).toContain("Origin");
    });
  }

  const refused = [
    { what: "another origin", origin: "http://evil.example", method: "PUT", headers: "content-type" },
    { what: "another port of the same host", origin: "http://127.0.0.1:9999", method: "PUT", headers: "content-type" },
    { what: "a method the policy does not allow", origin: "http://127.0.0.1:8787", method: "DELETE", headers: undefined },
    { what: "a header the policy does not allow", origin: "http://127.0.0.1:8787", method: "PUT", headers: "content-type, x-amz-acl" },
  ];
  for (const { what, origin, method, headers } of refused) {
    it(`refuses ${what} with 403 and no Access-Control-Allow-Origin`, async () => {
      const response = await preflight(origin, method, headers);

      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect((await s3ErrorOf(response)).code).toBe("AccessForbidden");
    });
  }
});

describe("CORS on actual responses", () => {
  it("grants an allowed origin and exposes ETag", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 2);

    const response = await put(url, "hi", { "content-type": "text/plain", "content-length": "2", origin: "http://localhost:8787" });

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:8787");
    expect(response.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("etag");
    expect(response.headers.get("vary")).toBe("Origin");
  });

  it("gives another origin no CORS headers, though the request itself is served", async () => {
    const key = uniqueKey();
    const url = await presignPut(key, "text/plain", 2);

    const response = await put(url, "hi", { "content-type": "text/plain", "content-length": "2", origin: "http://evil.example" });

    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-expose-headers")).toBeNull();
    expect(response.headers.get("vary")).toBe("Origin");
    expect(await env.BUCKET.head(key)).not.toBeNull();
  });

  it("lets an allowed origin read error documents", async () => {
    const response = await send(
      new Request(`${objectUrl}?X-Amz-Algorithm=AWS4-HMAC-SHA256`, { headers: { origin: "http://127.0.0.1:8787" } }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:8787");
  });
});
