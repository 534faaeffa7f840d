import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makePng } from "./files";
import {
  DEAD_LETTERS,
  deliver,
  EVENTS,
  fileRow,
  givenUpload,
  putEvent,
  r2Event,
  usageOf,
} from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON log lines written while `run` ran. */
async function logLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  for (const level of ["log", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line)));
  }
  await run();
  vi.restoreAllMocks();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("messages that can never succeed", () => {
  it.each([
    ["not an object", "hello"],
    ["JSON text that is not an event", '{"nope":true}'],
    ["an unknown action", { ...r2Event("PutObject", "u/a/b"), action: "Explode" }],
    ["no key", { ...r2Event("PutObject", "u/a/b"), object: {} }],
    ["a bad event time", { ...r2Event("PutObject", "u/a/b"), eventTime: "yesterday" }],
  ])("acks %s with a warning, never retrying it", async (_name, body) => {
    const lines = await logLines(async () => {
      const { result, ids } = await deliver(EVENTS, [body]);
      expect(result.explicitAcks).toEqual(ids);
      expect(result.retryMessages).toEqual([]);
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: "warn", outcome: "malformed_message", attempts: 1 }),
    ]);
  });

  it("acks an event about another bucket without touching ours", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(file.key, bytes);
    const event = r2Event(
      "PutObject",
      file.key,
      { size: bytes.byteLength },
      "someone-elses-bucket",
    );

    const { result, ids } = await deliver(EVENTS, [event]);

    expect(result.explicitAcks).toEqual(ids);
    expect((await fileRow(file.id)).status).toBe("pending");
    expect(await env.BUCKET.head(file.key)).not.toBeNull();
  });

  it("ignores keys outside the upload prefix", async () => {
    await env.BUCKET.put("g/generated/thing", "x");
    const { result, ids } = await deliver(EVENTS, [r2Event("PutObject", "g/generated/thing")]);
    expect(result.explicitAcks).toEqual(ids);
    expect(await env.BUCKET.head("g/generated/thing")).not.toBeNull();
  });
});

describe("system faults", () => {
  it("retries with exponential backoff when D1 fails, changing nothing, then succeeds", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(file.key, bytes);
    const event = await putEvent(file.key);

    // A real D1 failure: the table the transition writes is gone while the message is handled.
    await env.DB.exec("ALTER TABLE usage RENAME TO usage_away");
    const delays: number[] = [];
    try {
      for (const attempts of [1, 2, 3]) {
        const { result, ids } = await deliver(EVENTS, [event], { attempts });
        expect(result.explicitAcks).toEqual([]);
        expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(ids);
        delays.push(result.retryMessages[0]?.delaySeconds ?? 0);
      }
    } finally {
      await env.DB.exec("ALTER TABLE usage_away RENAME TO usage");
    }
    expect(delays).toEqual([5, 10, 20]);
    // The batch rolled back whole: the file did not become ready without its bytes moving.
    expect((await fileRow(file.id)).status).toBe("pending");

    const { result, ids } = await deliver(EVENTS, [event], { attempts: 4 });
    expect(result.explicitAcks).toEqual(ids);
    expect((await fileRow(file.id)).status).toBe("ready");
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: bytes.byteLength, reservedBytes: 0 });
  });

  it("logs one JSON line per message with key, upload id, outcome and attempts, and no bytes", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(file.key, bytes);
    const event = await putEvent(file.key);

    const lines = await logLines(() => deliver(EVENTS, [event, "junk"], { attempts: 2 }));

    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.objectContaining({
        worker: "event-processor",
        queue: EVENTS,
        key: file.key,
        uploadId: file.id,
        outcome: "ready",
        attempts: 2,
      }),
    );
    expect(JSON.stringify(lines)).not.toContain("IHDR");
  });
});

describe("the dead-letter queue", () => {
  it("marks the pending upload failed, releases its reservation and removes its object", async () => {
    const bytes = await makePng();
    const file = await givenUpload({ contentType: "image/png", size: bytes.byteLength });
    await env.BUCKET.put(file.key, bytes);
    const event = await putEvent(file.key);

    const { result, ids } = await deliver(DEAD_LETTERS, [event]);
    const again = await deliver(DEAD_LETTERS, [event]);

    expect(result.explicitAcks).toEqual(ids);
    expect(again.result.explicitAcks).toEqual(again.ids);
    const row = await fileRow(file.id);
    expect(row.status).toBe("failed");
    expect(row.reason).toMatch(/^processing_failed: /);
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
    expect(await env.BUCKET.head(file.key)).toBeNull();
  });

  it("leaves a decided upload as it is", async () => {
    const file = await givenUpload({
      contentType: "image/png",
      size: 10,
      status: "ready",
      etag: "e",
    });
    await deliver(DEAD_LETTERS, [r2Event("PutObject", file.key, { size: 10 })]);
    expect((await fileRow(file.id)).status).toBe("ready");
    expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 10, reservedBytes: 0 });
  });

  it("acks malformed dead letters with a log line", async () => {
    const lines = await logLines(async () => {
      const { result, ids } = await deliver(DEAD_LETTERS, [{ garbage: true }]);
      expect(result.explicitAcks).toEqual(ids);
    });
    expect(lines).toEqual([
      expect.objectContaining({ queue: DEAD_LETTERS, outcome: "malformed_message" }),
    ]);
  });
});
