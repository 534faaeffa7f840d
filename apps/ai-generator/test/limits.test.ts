import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb, files, usage } from "@trove/db";
import { generationIdFor } from "../src/generate";
import { envWith, expectNothingStored, holdingsOf, newMarker, newUser, openaiEnv, readProblem, requestGeneration, stubCalls } from "./helpers";

describe("limits", () => {
  it("answers 429 with Retry-After past the per-user generation rate", async () => {
    const userId = newUser();
    const statuses: number[] = [];
    let limited: Response | undefined;
    // The binding allows 10 a minute (wrangler.jsonc); the loop is bounded either way.
    for (let i = 0; i < 12 && !limited; i++) {
      const response = await requestGeneration(userId, { kind: "text", prompt: `number ${i}` });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }

    expect(statuses.slice(0, 10).every((status) => status === 201)).toBe(true);
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await readProblem(limited!)).code).toBe("rate_limited");
    expect((await holdingsOf(userId)).generations).toHaveLength(10);
    // Another user is not held back by the first one's rate.
    expect((await requestGeneration(newUser(), { kind: "text", prompt: "me too" })).status).toBe(201);
  });

  it("refuses output that would pass the quota, keeping nothing", async () => {
    const userId = newUser();
    const response = await requestGeneration(userId, { kind: "image", prompt: "too big for me" }, { env: envWith({ USER_QUOTA_BYTES: "1000" }) });

    expect(response.status).toBe(429);
    expect((await readProblem(response)).code).toBe("quota_exceeded");
    expect(response.headers.get("retry-after")).toBeNull();
    await expectNothingStored(userId);
  });

  it("shares the quota with uploads: reserved upload bytes count", async () => {
    const userId = newUser();
    const db = createDb(env.DB);
    await db.insert(usage).values({ userId, usedBytes: 0, reservedBytes: 900 });

    const response = await requestGeneration(userId, { kind: "text", prompt: "a few hundred bytes of echo" }, { env: envWith({ USER_QUOTA_BYTES: "1000" }) });
    expect(response.status).toBe(429);
    const holdings = await holdingsOf(userId);
    expect(holdings.usage).toEqual({ usedBytes: 0, reservedBytes: 900 });
    expect(holdings.objects).toEqual([]);
  });

  it("refuses a user already at the quota before calling the model", async () => {
    const userId = newUser();
    const marker = newMarker();
    await createDb(env.DB).insert(usage).values({ userId, usedBytes: 1024, reservedBytes: 0 });

    const response = await requestGeneration(userId, { kind: "text", prompt: marker }, { env: openaiEnv({ USER_QUOTA_BYTES: "1024" }) });
    expect(response.status).toBe(429);
    expect(await stubCalls(marker)).toEqual([]);
  });

  it("charges exactly the stored size", async () => {
    const userId = newUser();
    const response = await requestGeneration(userId, { kind: "image", prompt: "count me" });
    const { size } = (await response.json()) as { size: number };
    expect((await holdingsOf(userId)).usage).toEqual({ usedBytes: size, reservedBytes: 0 });
  });

  it("deletes the object when the D1 write fails after it, leaving nothing half-written", async () => {
    const userId = newUser();
    const idempotencyKey = `d1-fails-${crypto.randomUUID()}`;
    const id = await generationIdFor(userId, idempotencyKey);
    // A row already holding the key the generation will use makes the D1 batch fail.
    await createDb(env.DB).insert(files).values({
      id: `other-${crypto.randomUUID().slice(0, 8)}`,
      ownerId: "someone-else",
      key: `g/${userId}/${id}`,
      filename: "x.txt",
      contentType: "text/plain",
      size: 1,
    });

    const response = await requestGeneration(userId, { kind: "text", prompt: "doomed" }, { headers: { "idempotency-key": idempotencyKey } });

    expect(response.status).toBe(500);
    expect((await readProblem(response)).code).toBe("internal_error");
    await expectNothingStored(userId);
  });
});
