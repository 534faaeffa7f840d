import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { GenerationSchema } from "@trove/contracts";
import { createLogger } from "@trove/http";
import { readConfig } from "../src/config";
import { storeGeneration } from "../src/store";
import { holdingsOf, newMarker, newUser, openaiEnv, readProblem, requestGeneration, stubCalls } from "./helpers";

describe("Idempotency-Key", () => {
  it("returns the same generation on a retry: one model call, one object, one row, charged once", async () => {
    const userId = newUser();
    const marker = newMarker();
    const headers = { "idempotency-key": `retry-${marker}` };
    const body = { kind: "text", prompt: `write ${marker}` };

    const first = await requestGeneration(userId, body, { env: openaiEnv(), headers });
    const second = await requestGeneration(userId, body, { env: openaiEnv(), headers });

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const one = v.parse(GenerationSchema, await first.json());
    const two = v.parse(GenerationSchema, await second.json());
    expect(two.id).toBe(one.id);
    expect(two.key).toBe(one.key);

    expect(await stubCalls(marker)).toHaveLength(1);
    const holdings = await holdingsOf(userId);
    expect(holdings.objects).toEqual([one.key]);
    expect(holdings.files).toHaveLength(1);
    expect(holdings.generations).toHaveLength(1);
    expect(holdings.usage.usedBytes).toBe(one.size);
  });

  it("keeps one generation when retries race", async () => {
    const userId = newUser();
    const headers = { "idempotency-key": `race-${crypto.randomUUID()}` };
    const body = { kind: "image", prompt: "a racing car" };

    const responses = await Promise.all([1, 2, 3].map(() => requestGeneration(userId, body, { headers })));

    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(responses.every((response) => response.status === 201 || response.status === 409)).toBe(true);
    const ids = new Set(await Promise.all(created.map(async (response) => ((await response.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);

    const holdings = await holdingsOf(userId);
    expect(holdings.objects).toHaveLength(1);
    expect(holdings.files).toHaveLength(1);
    expect(holdings.generations).toHaveLength(1);
    expect(holdings.usage.usedBytes).toBe(holdings.files[0]?.size);
  });

  it("never overwrites an object already at the key", async () => {
    const userId = newUser();
    const key = `idem-${crypto.randomUUID()}`;
    const first = v.parse(
      GenerationSchema,
      await (await requestGeneration(userId, { kind: "text", prompt: "first" }, { headers: { "idempotency-key": key } })).json(),
    );
    const before = await env.BUCKET.head(first.key);

    await requestGeneration(userId, { kind: "text", prompt: "first" }, { headers: { "idempotency-key": key } });
    const after = await env.BUCKET.head(first.key);
    expect(after?.etag).toBe(before?.etag);
    expect(after?.uploaded.getTime()).toBe(before?.uploaded.getTime());
  });

  it("writes with onlyIf: an object already at the key is kept as it is and nothing is recorded", async () => {
    const userId = newUser();
    const id = crypto.randomUUID();
    const key = `g/${userId}/${id}`;
    await env.BUCKET.put(key, "already here");
    const config = readConfig(env, createLogger({ worker: "test" }));

    const outcome = await storeGeneration(env, config, createLogger({ worker: "test" }), {
      id,
      ownerId: userId,
      key,
      kind: "text",
      filename: "generation.txt",
      provider: "echo",
      model: "echo-text",
      promptSha256: "0".repeat(64),
      promptChars: 3,
      durationMs: 1,
      requestId: "request-0001",
      idempotencyKey: null,
      output: { bytes: new TextEncoder().encode("new bytes"), contentType: "text/plain; charset=utf-8" },
      notice: undefined,
    });

    expect(outcome).toBe("exists");
    expect(await (await env.BUCKET.get(key))?.text()).toBe("already here");
    const holdings = await holdingsOf(userId);
    expect(holdings.files).toEqual([]);
    expect(holdings.usage.usedBytes).toBe(0);
  });

  it("refuses the same key for a different request", async () => {
    const userId = newUser();
    const headers = { "idempotency-key": `reuse-${crypto.randomUUID()}` };
    expect((await requestGeneration(userId, { kind: "text", prompt: "one thing" }, { headers })).status).toBe(201);

    const other = await requestGeneration(userId, { kind: "text", prompt: "another thing" }, { headers });
    expect(other.status).toBe(422);
    expect((await readProblem(other)).code).toBe("idempotency_key_reused");
    expect((await holdingsOf(userId)).generations).toHaveLength(1);
  });

  it("refuses the same key with another model, calling no model and keeping the first", async () => {
    const userId = newUser();
    const marker = newMarker();
    const headers = { "idempotency-key": `model-${marker}` };
    const prompt = `describe ${marker}`;
    const first = await requestGeneration(userId, { kind: "text", prompt, model: "stub-chat" }, { env: openaiEnv(), headers });
    expect(first.status).toBe(201);

    const other = await requestGeneration(userId, { kind: "text", prompt, model: "stub-empty" }, { env: openaiEnv(), headers });
    expect(other.status).toBe(422);
    expect((await readProblem(other)).code).toBe("idempotency_key_reused");
    expect(await stubCalls(marker)).toHaveLength(1);

    // Leaving the model out asks for the default (stub-chat here), so that is the same request.
    const same = await requestGeneration(userId, { kind: "text", prompt }, { env: openaiEnv(), headers });
    expect(same.status).toBe(201);
    expect(same.headers.get("idempotent-replayed")).toBe("true");
    expect((await holdingsOf(userId)).generations).toHaveLength(1);
  });

  it("scopes keys to the user: two users with one key get two generations", async () => {
    const headers = { "idempotency-key": `shared-${crypto.randomUUID()}` };
    const a = await requestGeneration(newUser(), { kind: "text", prompt: "same" }, { headers });
    const b = await requestGeneration(newUser(), { kind: "text", prompt: "same" }, { headers });
    const [one, two] = [(await a.json()) as { id: string }, (await b.json()) as { id: string }];
    expect(one.id).not.toBe(two.id);
  });
});
