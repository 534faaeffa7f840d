import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import * as v from "valibot";
import { signServiceAssertion } from "@trove/auth";
import { GenerationSchema, type RpcResult } from "@trove/contracts";
import { createDb, files } from "@trove/db";
import { eq } from "drizzle-orm";
import { GeneratorEntrypoint } from "../src/index";
import { PNG } from "./fixtures";
import { envWith, expectNothingStored, holdingsOf, newMarker, newUser, openaiEnv, stubCalls, tokenFor } from "./helpers";

const AUDIENCE = "trove-ai-generator";
const CALLER = "trove-event-processor";

function assertionFor(userId: string, overrides: { secret?: string; audience?: string } = {}): Promise<string> {
  return signServiceAssertion(overrides.secret ?? env.SERVICE_SECRET, {
    caller: CALLER,
    audience: overrides.audience ?? AUDIENCE,
    userId,
  });
}

/** An HS256 JWT with any header and claims, to forge what signServiceAssertion never makes. */
async function forge(header: object, claims: object, secret = env.SERVICE_SECRET): Promise<string> {
  const encode = (value: object | Uint8Array) => {
    const bytes = value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const input = `${encode(header)}.${encode(claims)}`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  return `${input}.${encode(signature)}`;
}

function claims(userId: string, times: { iat?: number; exp?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: CALLER, aud: AUDIENCE, sub: userId, iat: times.iat ?? now, exp: times.exp ?? now + 60 };
}

/** A ready image of the user's, as an upload that the event processor accepted. */
async function readyFile(userId: string, contentType = "image/png", bytes: Uint8Array = PNG): Promise<string> {
  const id = crypto.randomUUID();
  const key = `u/${userId}/${id}`;
  await env.BUCKET.put(key, bytes, { httpMetadata: { contentType } });
  await createDb(env.DB).insert(files).values({
    id,
    ownerId: userId,
    key,
    filename: "picture",
    contentType,
    size: bytes.byteLength,
    status: "ready",
  });
  return id;
}

async function captionOf(fileId: string): Promise<string | null> {
  const row = await createDb(env.DB).select({ caption: files.caption }).from(files).where(eq(files.id, fileId)).get();
  return row?.caption ?? null;
}

function expectRefused(result: RpcResult<unknown>, status: number, code: string): void {
  expect(result).toMatchObject({ ok: false, status, code });
}

describe("GeneratorEntrypoint.generate over the service binding", () => {
  it("generates for the user the assertion names", async () => {
    const userId = newUser();
    const result = await exports.GeneratorEntrypoint.generate({
      assertion: await assertionFor(userId),
      kind: "text",
      prompt: "alt text ideas",
    });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const generation = v.parse(GenerationSchema, result.value);
    expect(generation.key.startsWith(`g/${userId}/`)).toBe(true);
    expect((await holdingsOf(userId)).generations).toHaveLength(1);
  });

  it.each([
    ["signed with another secret", (userId: string) => assertionFor(userId, { secret: "not-the-service-secret-0123456789abcdef" })],
    ["addressed to another Worker", (userId: string) => assertionFor(userId, { audience: "trove-upload-signer" })],
    ["expired", (userId: string) => forge({ alg: "HS256", typ: "trove-service+jwt" }, claims(userId, { exp: Math.floor(Date.now() / 1000) - 5 }))],
    [
      "issued long ago though not expired",
      (userId: string) => forge({ alg: "HS256", typ: "trove-service+jwt" }, claims(userId, { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) + 3600 })),
    ],
    ["of another token type (a user token)", (userId: string) => tokenFor(userId)],
    ["unsigned (alg none)", async (userId: string) => (await forge({ alg: "none", typ: "trove-service+jwt" }, claims(userId))).replace(/\.[^.]*$/, ".")],
    ["naming an unsafe user id", () => forge({ alg: "HS256", typ: "trove-service+jwt" }, claims("../../etc"))],
    ["garbage", () => Promise.resolve("not.a.jwt")],
    ["missing", () => Promise.resolve(undefined as unknown as string)],
  ])("refuses an assertion %s with 401 and stores nothing", async (_what, make) => {
    const userId = newUser();
    const result = await exports.GeneratorEntrypoint.generate({ assertion: await make(userId), kind: "text", prompt: "hi" });

    expectRefused(result, 401, "invalid_assertion");
    await expectNothingStored(userId);
  });

  it("applies the same input limits as the HTTP API, before any model call", async () => {
    const userId = newUser();
    const marker = newMarker();
    const entrypoint = new GeneratorEntrypoint(createExecutionContext(), openaiEnv());
    const assertion = await assertionFor(userId);

    expectRefused(await entrypoint.generate({ assertion, kind: "text", prompt: "" }), 400, "invalid_request");
    expectRefused(await entrypoint.generate({ assertion, kind: "text", prompt: 7 as unknown as string }), 400, "invalid_request");
    expectRefused(await entrypoint.generate({ assertion, kind: "video" as "text", prompt: marker }), 400, "invalid_request");
    expectRefused(await entrypoint.generate({ assertion, kind: "text", prompt: marker, model: "gpt-4o" }), 422, "model_not_allowed");
    expect(await stubCalls(marker)).toEqual([]);
    await expectNothingStored(userId);
  });

  it("passes provider failures back as data with their status", async () => {
    const userId = newUser();
    const entrypoint = new GeneratorEntrypoint(createExecutionContext(), openaiEnv());
    const result = await entrypoint.generate({ assertion: await assertionFor(userId), kind: "text", prompt: "x", model: "stub-error-500" });
    expectRefused(result, 502, "provider_error");
    await expectNothingStored(userId);
  });
});

describe("GeneratorEntrypoint.caption", () => {
  it("writes an echo caption from the image's type and size into files.caption", async () => {
    const userId = newUser();
    const fileId = await readyFile(userId);
    const result = await exports.GeneratorEntrypoint.caption({ assertion: await assertionFor(userId), fileId });

    expect(result).toMatchObject({ ok: true, value: { fileId, provider: "echo", model: "echo-caption" } });
    const caption = await captionOf(fileId);
    expect(caption).toContain("[echo caption: no model was called]");
    expect(caption).toContain("PNG image of 3×2 pixels");
  });

  it("asks an OpenAI-compatible vision model with the image inline", async () => {
    const userId = newUser();
    const fileId = await readyFile(userId);
    const entrypoint = new GeneratorEntrypoint(createExecutionContext(), openaiEnv());
    const result = await entrypoint.caption({ assertion: await assertionFor(userId), fileId });

    expect(result).toMatchObject({ ok: true, value: { provider: "openai", model: "stub-chat" } });
    expect(await captionOf(fileId)).toBe("A small square picture, as described by the stub vision model.");
  });

  it("asks a Workers AI vision model with the image bytes", async () => {
    const userId = newUser();
    const fileId = await readyFile(userId);
    const seen: Record<string, unknown>[] = [];
    const ai = {
      async run(_model: string, inputs: Record<string, unknown>) {
        seen.push(inputs);
        return { description: " A grey rectangle. " };
      },
    };
    const entrypoint = new GeneratorEntrypoint(createExecutionContext(), envWith({ AI_PROVIDER: "workers-ai", AI: ai }));
    const result = await entrypoint.caption({ assertion: await assertionFor(userId), fileId });

    expect(result).toMatchObject({ ok: true, value: { caption: "A grey rectangle.", model: "@cf/llava-hf/llava-1.5-7b-hf" } });
    expect(seen[0]?.image).toEqual(Array.from(PNG));
    expect(await captionOf(fileId)).toBe("A grey rectangle.");
  });

  it("gives no caption to an image over MAX_CAPTION_IMAGE_BYTES (1 MiB by default), says why, calls no model", async () => {
    const userId = newUser();
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(PNG);
    const fileId = await readyFile(userId, "image/png", big);
    const seen: unknown[] = [];
    const ai = { run: async (_model: string, inputs: unknown) => (seen.push(inputs), { description: "never" }) };
    const entrypoint = new GeneratorEntrypoint(createExecutionContext(), envWith({ AI_PROVIDER: "workers-ai", AI: ai }));
    const info = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const result = await entrypoint.caption({ assertion: await assertionFor(userId), fileId });
    const logged = info.mock.calls.map((call) => String(call[0]));
    info.mockRestore();

    expectRefused(result, 413, "image_too_large");
    expect(result.ok ? "" : result.detail).toBe("Images over 1048576 bytes get no caption.");
    expect(seen).toEqual([]);
    expect(await captionOf(fileId)).toBeNull();
    const skipped = logged.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.message === "caption skipped");
    expect(skipped).toMatchObject({ reason: "image_too_large", fileId, bytes: big.byteLength, limitBytes: 1024 * 1024 });
  });

  it("captions an image at the configured limit and refuses one a byte over it", async () => {
    const userId = newUser();
    const fileId = await readyFile(userId);
    const at = new GeneratorEntrypoint(createExecutionContext(), envWith({ MAX_CAPTION_IMAGE_BYTES: String(PNG.byteLength) }));
    expect(await at.caption({ assertion: await assertionFor(userId), fileId })).toMatchObject({ ok: true });

    const other = await readyFile(userId);
    const under = new GeneratorEntrypoint(createExecutionContext(), envWith({ MAX_CAPTION_IMAGE_BYTES: String(PNG.byteLength - 1) }));
    expectRefused(await under.caption({ assertion: await assertionFor(userId), fileId: other }), 413, "image_too_large");
    expect(await captionOf(other)).toBeNull();
  });

  it("treats another user's file as not found and leaves it alone", async () => {
    const owner = newUser();
    const fileId = await readyFile(owner);
    const result = await exports.GeneratorEntrypoint.caption({ assertion: await assertionFor(newUser()), fileId });

    expectRefused(result, 404, "not_found");
    expect(await captionOf(fileId)).toBeNull();
  });

  it("refuses files that are not images, and forged assertions", async () => {
    const userId = newUser();
    const textFile = await readyFile(userId, "text/plain", new TextEncoder().encode("hello"));
    expectRefused(await exports.GeneratorEntrypoint.caption({ assertion: await assertionFor(userId), fileId: textFile }), 415, "not_an_image");

    const image = await readyFile(userId);
    const forged = await assertionFor(userId, { secret: "not-the-service-secret-0123456789abcdef" });
    expectRefused(await exports.GeneratorEntrypoint.caption({ assertion: forged, fileId: image }), 401, "invalid_assertion");
    expect(await captionOf(image)).toBeNull();
  });
});
