import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HttpError, enforceRateLimit, jsonResponse } from "@trove/http";

// The @trove/http helpers the APIs share, exercised here where a real rate-limit binding exists.
describe("jsonResponse", () => {
  it("answers JSON that no cache keeps, with the given status", async () => {
    const response = jsonResponse({ url: "https://storage.test/signed" }, 201);

    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ url: "https://storage.test/signed" });
  });

  it("adds extra headers and lets a caller choose another cache policy", () => {
    const response = jsonResponse({ ok: true }, 200, { "cache-control": "private, max-age=60", "x-extra": "1" });

    expect(response.headers.get("cache-control")).toBe("private, max-age=60");
    expect(response.headers.get("x-extra")).toBe("1");
  });
});

describe("enforceRateLimit", () => {
  it("lets a key through until its allowance is spent, then throws 429 rate_limited with Retry-After", async () => {
    const key = `rate-${crypto.randomUUID()}`;
    for (let i = 0; i < 60; i++) await enforceRateLimit(env.UPLOAD_RATE_LIMIT, key, "widget requests");

    const refused = await enforceRateLimit(env.UPLOAD_RATE_LIMIT, key, "widget requests").catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(HttpError);
    const error = refused as HttpError;
    expect(error.status).toBe(429);
    expect(error.code).toBe("rate_limited");
    expect(error.headers["retry-after"]).toBe("60");
    expect(error.message).toBe("Too many widget requests; try again in a minute.");
    // Keys are counted apart.
    await expect(enforceRateLimit(env.UPLOAD_RATE_LIMIT, `${key}-other`, "widget requests")).resolves.toBeUndefined();
  });
});
