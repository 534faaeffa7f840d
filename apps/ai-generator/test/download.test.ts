import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { GenerationSchema, type Generation } from "@trove/contracts";
import { createDb, files } from "@trove/db";
import { eq } from "drizzle-orm";
import { newUser, readProblem, requestGeneration, send, tokenFor } from "./helpers";

async function created(userId: string, kind: "text" | "image"): Promise<Generation> {
  const response = await requestGeneration(userId, { kind, prompt: `a ${kind} for downloading` });
  expect(response.status).toBe(201);
  return v.parse(GenerationSchema, await response.json());
}

describe("answers carrying a download URL", () => {
  it("are never cached: POST and GET answer cache-control no-store", async () => {
    const userId = newUser();
    const response = await requestGeneration(userId, { kind: "text", prompt: "not for caches" });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { id } = (await response.json()) as { id: string };

    const read = await send("GET", `/v1/generations/${id}`, { token: await tokenFor(userId) });
    expect(read.status).toBe(200);
    expect(read.headers.get("cache-control")).toBe("no-store");
  });
});

describe("download URL", () => {
  it("is a presigned GET for the stored object, as an attachment with its content type", async () => {
    const before = Date.now();
    const generation = await created(newUser(), "image");
    const url = new URL(generation.download!.url);

    expect(url.origin).toBe(new URL(env.R2_ENDPOINT).origin);
    expect(decodeURIComponent(url.pathname)).toBe(`/${env.R2_BUCKET_NAME}/${generation.key}`);
    expect(url.searchParams.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(new RegExp(`^${env.R2_ACCESS_KEY_ID}/\\d{8}/auto/s3/aws4_request$`));
    expect(url.searchParams.get("X-Amz-Expires")).toBe(env.DOWNLOAD_URL_TTL_SECONDS);
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("response-content-type")).toBe("image/png");
    expect(url.searchParams.get("response-content-disposition")).toMatch(/^attachment; filename="generation-.+\.png"/);

    const expiresAt = Date.parse(generation.download!.expiresAt);
    const ttl = Number(env.DOWNLOAD_URL_TTL_SECONDS) * 1000;
    expect(expiresAt).toBeGreaterThanOrEqual(before + ttl - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + ttl + 1000);
  });

  it("serves generated text as UTF-8 text/plain, and records the bare type for other readers", async () => {
    const generation = await created(newUser(), "text");
    const url = new URL(generation.download!.url);
    expect(url.searchParams.get("response-content-type")).toBe("text/plain; charset=utf-8");
    expect(url.searchParams.get("response-content-disposition")).toMatch(/^attachment; filename="generation-.+\.txt"/);

    const row = await createDb(env.DB).select().from(files).where(eq(files.id, generation.id)).get();
    expect(row).toMatchObject({ contentType: "text/plain; charset=utf-8", detectedType: "text/plain", origin: "generation", status: "ready" });
  });

  it("names the object that holds exactly the bytes reported", async () => {
    const generation = await created(newUser(), "text");
    const object = await env.BUCKET.get(generation.key);
    expect(object?.size).toBe(generation.size);
    expect(object?.httpMetadata?.contentType).toBe(generation.contentType);
    expect(object?.customMetadata).toMatchObject({
      generation: generation.id,
      provider: "echo",
      model: "echo-text",
      promptSha256: generation.promptSha256,
      bytes: String(generation.size),
    });
  });
});

describe("GET /v1/generations/:id", () => {
  it("answers the user's generation with a fresh download URL", async () => {
    const userId = newUser();
    const generation = await created(userId, "text");
    const response = await send("GET", `/v1/generations/${generation.id}`, { token: await tokenFor(userId, ["generations:read"]) });

    expect(response.status).toBe(200);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ id: generation.id, status: "ready", key: generation.key, size: generation.size, provider: "echo" });
    expect(body.download?.url).toContain(generation.key.split("/").pop());
  });

  it("answers 404 for another user's generation and for unknown ids", async () => {
    const generation = await created(newUser(), "text");
    const stranger = await tokenFor(newUser());

    const other = await send("GET", `/v1/generations/${generation.id}`, { token: stranger });
    expect(other.status).toBe(404);
    expect((await readProblem(other)).code).toBe("not_found");
    expect((await send("GET", "/v1/generations/no-such-generation", { token: stranger })).status).toBe(404);
    expect((await send("GET", `/v1/generations/${"x".repeat(300)}`, { token: stranger })).status).toBe(404);
  });

  it("shows a deleted generation without a download", async () => {
    const userId = newUser();
    const generation = await created(userId, "text");
    await createDb(env.DB).update(files).set({ status: "deleted" }).where(eq(files.id, generation.id));

    const response = await send("GET", `/v1/generations/${generation.id}`, { token: await tokenFor(userId) });
    const body = v.parse(GenerationSchema, await response.json());
    expect(body.status).toBe("deleted");
    expect(body.download).toBeUndefined();
  });

  it("needs the generations:read scope", async () => {
    const userId = newUser();
    const generation = await created(userId, "text");
    const response = await send("GET", `/v1/generations/${generation.id}`, { token: await tokenFor(userId, ["files:read"]) });
    expect(response.status).toBe(403);
  });

  it("answers /healthz without a token", async () => {
    const response = await send("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, worker: "ai-generator" });
  });
});
