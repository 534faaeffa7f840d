import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { signServiceAssertion } from "@trove/auth";
import type { GeneratorRpc } from "@trove/contracts";
import { markDeleted } from "@trove/db";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { RESUME_POINT_KEY } from "../src/resume-point";
import { makePng } from "./files";
import { db, fileRow, givenUpload, upload, usageOf } from "./helpers";

const MINUTE = 60_000;
const GRACE = Number(env.UPLOAD_GRACE_SECONDS) * 1000;

/** Runs the cron trigger as if it fired at `at`. */
async function runCronAt(at: number, bindings: Env = env) {
  await worker.scheduled(
    createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }),
    bindings,
  );
}

/**
 * A generation made by the real ai-generator (GENERATOR, its offline echo provider), which
 * stores its object under `g/` and records a ready `files` row with origin "generation".
 */
async function givenGeneration() {
  const ownerId = `user-${crypto.randomUUID().slice(0, 8)}`;
  const assertion = await signServiceAssertion(env.SERVICE_SECRET, {
    caller: "trove-event-processor",
    audience: "trove-ai-generator",
    userId: ownerId,
  });
  const generator = env.GENERATOR as unknown as GeneratorRpc;
  const result = await generator.generate({ assertion, kind: "text", prompt: "a haiku on R2" });
  if (!result.ok) throw new Error(`generation failed: ${result.status} ${result.code}`);
  const row = await fileRow(result.value.id);
  expect(row).toMatchObject({
    origin: "generation",
    status: "ready",
    key: `g/${ownerId}/${row.id}`,
  });
  expect(await env.BUCKET.head(row.key)).not.toBeNull();
  return row;
}

describe("reconciling uploads (u/) with D1", () => {
  it("deletes old objects no pending or ready file owns; keeps young and owned ones", async () => {
    const bytes = await makePng();
    const ready = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(ready.key, bytes);
    const pending = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(pending.key, bytes);
    const failed = await givenUpload({ contentType: "image/png", size: 5, status: "failed" });
    await env.BUCKET.put(failed.key, bytes);
    const stray = `u/nobody/${crypto.randomUUID()}`;
    await env.BUCKET.put(stray, bytes);
    await env.BUCKET.put("elsewhere/not-an-upload", bytes);

    // Right after the writes, everything is too young to be called a stray.
    await runCronAt(Date.now());
    expect(await env.BUCKET.head(stray)).not.toBeNull();

    await runCronAt(Date.now() + GRACE + MINUTE);
    expect(await env.BUCKET.head(stray)).toBeNull();
    expect(await env.BUCKET.head(failed.key)).toBeNull();
    expect(await env.BUCKET.head(ready.key)).not.toBeNull();
    expect(await env.BUCKET.head(pending.key)).not.toBeNull();
    expect(await env.BUCKET.head("elsewhere/not-an-upload")).not.toBeNull();
  });

  it("marks a ready file whose object is gone as deleted and frees its bytes", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await upload(file.key, bytes);
    await env.BUCKET.delete(file.key);

    await runCronAt(Date.now());

    const row = await fileRow(file.id);
    expect(row.status).toBe("deleted");
    expect(row.reason).toMatch(/^object_missing: /);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  });

  it("bounds the work per run and resumes where it stopped", async () => {
    const prefix = `u/bulk-${crypto.randomUUID().slice(0, 8)}`;
    const keys = await putMany(prefix, 1100);
    const later = Date.now() + GRACE + MINUTE;
    const remaining = () => countUnder(prefix);

    await runCronAt(later);
    const afterFirst = await remaining();
    const resumePoint = await readResumePoint();
    await runCronAt(later);

    expect(afterFirst).toBe(100);
    expect(resumePoint).toMatchObject({ after: { "u/": keys[999] } });
    expect(await remaining()).toBe(0);
  });
});

describe("reconciling generated content (g/) with D1", () => {
  it("deletes an old object no live file owns; keeps young and owned ones", async () => {
    const owned = await givenGeneration();
    // DELETE /v1/files/:id marked this row deleted, then failed to delete the object.
    const deletedRow = await givenGeneration();
    expect(await markDeleted(db, deletedRow)).toBe(true);
    // The ai-generator stored this one, then its D1 batch and its clean-up delete both failed.
    const stray = `g/${owned.ownerId}/${crypto.randomUUID()}`;
    await env.BUCKET.put(stray, "orphaned output");

    // The ai-generator writes R2 before D1: right after the writes, nothing is a stray yet.
    await runCronAt(Date.now());
    expect(await env.BUCKET.head(stray)).not.toBeNull();
    expect(await env.BUCKET.head(deletedRow.key)).not.toBeNull();

    await runCronAt(Date.now() + GRACE + MINUTE);
    expect(await env.BUCKET.head(stray)).toBeNull();
    expect(await env.BUCKET.head(deletedRow.key)).toBeNull();
    expect(await env.BUCKET.head(owned.key)).not.toBeNull();
    expect((await fileRow(owned.id)).status).toBe("ready");
  });

  it("marks a ready generation whose object is gone as deleted and frees its bytes", async () => {
    const generation = await givenGeneration();
    const kept = await givenGeneration();
    const before = await usageOf(generation.ownerId);
    expect(before).toEqual({ usedBytes: generation.size, reservedBytes: 0 });
    await env.BUCKET.delete(generation.key);

    await runCronAt(Date.now());

    const row = await fileRow(generation.id);
    expect(row.status).toBe("deleted");
    expect(row.reason).toMatch(/^object_missing: /);
    expect(await usageOf(generation.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
    expect((await fileRow(kept.id)).status).toBe("ready");
  });
});

describe("bounded runs over both prefixes", () => {
  it("walks a bounded slice of u/ and of g/ per run, each resuming at its own point", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const uploads = await putMany(`u/bulk-${tag}`, 1100);
    const generated = await putMany(`g/bulk-${tag}`, 1100);
    const later = Date.now() + GRACE + MINUTE;

    await runCronAt(later);
    const afterFirst = [await countUnder(`u/bulk-${tag}`), await countUnder(`g/bulk-${tag}`)];
    const resumePoint = await readResumePoint();
    await runCronAt(later);

    // Two pages of 500 per prefix and run: 1000 of each went in the first run, not 2000 of one.
    expect(afterFirst).toEqual([100, 100]);
    expect(resumePoint).toEqual({ after: { "u/": uploads[999], "g/": generated[999] } });
    expect(await countUnder(`u/bulk-${tag}`)).toBe(0);
    expect(await countUnder(`g/bulk-${tag}`)).toBe(0);
    // Both laps finished in the second run, so the next one starts each prefix from its start.
    expect(await readResumePoint()).toEqual({ after: { "u/": "", "g/": "" } });
  });
});

describe("a fault in one prefix's walk", () => {
  it("keeps the other prefix's progress and reports the run as failed", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const uploads = await putMany(`u/bulk-${tag}`, 1100);
    const stray = `g/bulk-${tag}/stray`;
    await env.BUCKET.put(stray, "x");
    const gBefore = (await readResumePoint())?.after["g/"];
    const later = Date.now() + GRACE + MINUTE;

    // R2 failing to list `g/` (an outside fault): every other bucket call goes through.
    const bucket = env.BUCKET;
    const failingList = new Proxy(bucket, {
      get(target, property) {
        if (property === "list") {
          return (options?: R2ListOptions) =>
            options?.prefix === "g/"
              ? Promise.reject(new Error("R2 list failed"))
              : target.list(options);
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const run = runCronAt(later, { ...env, BUCKET: failingList } as Env);

    await expect(run).rejects.toThrow("R2 list failed");
    expect(await countUnder(`u/bulk-${tag}`)).toBe(100);
    expect(await env.BUCKET.head(stray)).not.toBeNull();
    const saved = await readResumePoint();
    expect(saved?.after["u/"]).toBe(uploads[999]);
    expect(saved?.after["g/"]).toBe(gBefore);

    await runCronAt(later);
    expect(await countUnder(`u/bulk-${tag}`)).toBe(0);
    expect(await env.BUCKET.head(stray)).toBeNull();
  });
});

/** Stores `count` small objects under `prefix`, keys in listing order. */
async function putMany(prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}/${String(i).padStart(5, "0")}`);
  for (let i = 0; i < keys.length; i += 100) {
    await Promise.all(keys.slice(i, i + 100).map((key) => env.BUCKET.put(key, "x")));
  }
  return keys;
}

async function countUnder(prefix: string): Promise<number> {
  return (await env.BUCKET.list({ prefix: `${prefix}/`, limit: 1000 })).objects.length;
}

async function readResumePoint(): Promise<{ after: Record<string, string> } | undefined> {
  return (await env.BUCKET.get(RESUME_POINT_KEY))?.json();
}
