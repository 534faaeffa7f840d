import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as v from "valibot";
import { DownloadLinkSchema, FileListSchema } from "@trove/contracts";
import { createDb, findFileByKey, formatReason, markDeleted } from "@trove/db";
import { call, newUser, problemOf, rowsOf, seedFile, seedUsage, tokenFor } from "./helpers";

const base64url = (text: string) => btoa(text).replace(/=+$/, "");

async function list(user: string, query = "") {
  return call("GET", `/v1/files${query}`, { token: await tokenFor(user) });
}

describe("GET /v1/files", () => {
  it("lists only the caller's ready files, newest first, with their details", async () => {
    const user = newUser();
    const base = Date.UTC(2026, 0, 1);
    const older = await seedFile(user, { createdAt: base, filename: "old.png" });
    const newer = await seedFile(user, {
      createdAt: base + 1000,
      filename: "summary.txt",
      contentType: "text/plain",
      origin: "generation",
      caption: "A summary",
    });
    const sniffed = await seedFile(user, {
      createdAt: base + 500,
      contentType: "image/jpeg",
      detectedType: "image/png",
    });
    for (const status of ["pending", "rejected", "expired", "failed", "deleted"]) {
      await seedFile(user, { status, createdAt: base + 2000 });
    }
    await seedFile(newUser(), { createdAt: base + 3000 });

    const response = await list(user);

    expect(response.status).toBe(200);
    const page = v.parse(FileListSchema, await response.json());
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((item) => item.id)).toEqual([newer.id, sniffed.id, older.id]);
    expect(page.items[0]).toEqual({
      id: newer.id,
      filename: "summary.txt",
      contentType: "text/plain",
      size: 100,
      origin: "generation",
      caption: "A summary",
      createdAt: new Date(base + 1000).toISOString(),
    });
    expect(page.items[1]?.contentType).toBe("image/png");
    expect(page.items[2]).not.toHaveProperty("caption");
  });

  it("pages with an opaque cursor, including rows created in the same millisecond", async () => {
    const user = newUser();
    const at = Date.UTC(2026, 1, 1);
    const seeded = [];
    for (let i = 0; i < 5; i++) seeded.push(await seedFile(user, { createdAt: at + (i < 3 ? 0 : i) }));
    const expected = [...seeded]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((file) => file.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = v.parse(FileListSchema, await (await list(user, query)).json());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
  });

  it("defaults to 20 a page", async () => {
    const user = newUser();
    for (let i = 0; i < 21; i++) await seedFile(user, { createdAt: Date.UTC(2026, 2, 1) + i });
    const page = v.parse(FileListSchema, await (await list(user)).json());
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it.each([
    ["?limit=0", "limit", "invalid_request"],
    ["?limit=101", "limit", "invalid_request"],
    ["?limit=-1", "limit", "invalid_request"],
    ["?limit=ten", "limit", "invalid_request"],
    ["?limit=2.5", "limit", "invalid_request"],
    ["?limit=1&limit=2", "limit", "invalid_request"],
    ["?cursor=", "cursor", "invalid_request"],
    ["?cursor=%3Cscript%3E", "cursor", "invalid_request"],
    [`?cursor=${base64url("[1,2,3]")}`, "cursor", "invalid_cursor"],
    [`?cursor=${base64url('["x","y"]')}`, "cursor", "invalid_cursor"],
    [`?cursor=${base64url('[-1,"abc"]')}`, "cursor", "invalid_cursor"],
    ["?cursor=bm90LWpzb24", "cursor", "invalid_cursor"],
  ])("400 for %s", async (query, path, code) => {
    const response = await list(newUser(), query);

    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe(code);
    expect(problem.errors?.map((issue) => issue.path)).toContain(path);
  });
});

describe("GET /v1/files/:id/download", () => {
  it("presigns a GET that downloads as an attachment with the stored type", async () => {
    const user = newUser();
    const file = await seedFile(user, {
      filename: 'résumé "final"; v2.pdf',
      contentType: "application/pdf",
    });

    const response = await call("GET", `/v1/files/${file.id}/download`, { token: await tokenFor(user) });

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const link = v.parse(DownloadLinkSchema, await response.json());
    const url = new URL(link.url);
    expect(url.origin).toBe(env.R2_ENDPOINT);
    expect(url.pathname).toBe(`/${env.R2_BUCKET_NAME}/${file.key}`);
    expect(url.searchParams.get("response-content-disposition")).toBe(
      `attachment; filename="r_sum_ _final_; v2.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%3B%20v2.pdf`,
    );
    expect(url.searchParams.get("response-content-type")).toBe("application/pdf");
    expect(url.searchParams.get("X-Amz-Expires")).toBe(env.DOWNLOAD_URL_TTL_SECONDS);
    const expiresIn = Date.parse(link.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(290_000);
    expect(expiresIn).toBeLessThanOrEqual(300_000);
  });

  it("serves the detected type, and never an active one", async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const sniffed = await seedFile(user, { contentType: "image/jpeg", detectedType: "image/png" });
    const active = await seedFile(user, { contentType: "image/svg+xml" });

    const typeOf = async (id: string) => {
      const link = v.parse(DownloadLinkSchema, await (await call("GET", `/v1/files/${id}/download`, { token })).json());
      return new URL(link.url).searchParams.get("response-content-type");
    };
    expect(await typeOf(sniffed.id)).toBe("image/png");
    expect(await typeOf(active.id)).toBe("application/octet-stream");
  });

  it("keeps a UTF-8 charset on text, as the generator stores it, and drops every other parameter", async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const typeOf = async (contentType: string) => {
      const file = await seedFile(user, { contentType, origin: "generation", filename: "summary.txt" });
      const link = v.parse(DownloadLinkSchema, await (await call("GET", `/v1/files/${file.id}/download`, { token })).json());
      return new URL(link.url).searchParams.get("response-content-type");
    };

    expect(await typeOf("text/plain; charset=utf-8")).toBe("text/plain; charset=utf-8");
    expect(await typeOf("Text/Plain;Charset=UTF-8")).toBe("text/plain; charset=utf-8");
    expect(await typeOf("text/plain; charset=iso-8859-1")).toBe("text/plain");
    expect(await typeOf("image/png; charset=utf-8")).toBe("image/png");
    expect(await typeOf("text/html; charset=utf-8")).toBe("application/octet-stream");
    expect(await typeOf("text/plain; charset=utf-8\r\nx-evil: 1")).toBe("application/octet-stream");
  });

  it.each(["pending", "rejected", "deleted"])("404 for a %s file", async (status) => {
    const user = newUser();
    const file = await seedFile(user, { status });
    const response = await call("GET", `/v1/files/${file.id}/download`, { token: await tokenFor(user) });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("not_found");
  });

  it("404 for another user's file", async () => {
    const file = await seedFile(newUser());
    const response = await call("GET", `/v1/files/${file.id}/download`, {
      token: await tokenFor(newUser()),
    });
    expect(response.status).toBe(404);
  });
});

describe("DELETE /v1/files/:id", () => {
  it("removes the object, marks the file deleted and frees its bytes, once", async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const file = await seedFile(user, { size: 300 });
    const kept = await seedFile(user, { size: 200 });
    await env.BUCKET.put(file.key, new Uint8Array(300));
    await env.BUCKET.put(kept.key, new Uint8Array(200));
    await seedUsage(user, 500, 50);

    const response = await call("DELETE", `/v1/files/${file.id}`, { token });

    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(await env.BUCKET.head(file.key)).toBeNull();
    expect(await env.BUCKET.head(kept.key)).not.toBeNull();
    const after = await rowsOf(user);
    expect(after.usage).toEqual({ used_bytes: 200, reserved_bytes: 50 });
    expect(after.files.find((row) => row.id === file.id)?.status).toBe("deleted");
    expect(after.files.find((row) => row.id === kept.id)?.status).toBe("ready");

    const again = await call("DELETE", `/v1/files/${file.id}`, { token });
    expect(again.status).toBe(404);
    expect((await problemOf(again)).code).toBe("not_found");
    expect(await rowsOf(user)).toEqual(after);

    const listed = v.parse(FileListSchema, await (await list(user)).json());
    expect(listed.items.map((item) => item.id)).toEqual([kept.id]);
  });

  it("frees the bytes once when two deletes race", async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const file = await seedFile(user, { size: 300 });
    await seedUsage(user, 1000);

    const statuses = await Promise.all(
      [1, 2, 3].map(async () => (await call("DELETE", `/v1/files/${file.id}`, { token })).status),
    );

    expect(statuses.filter((status) => status === 204)).toHaveLength(1);
    expect((await rowsOf(user)).usage).toEqual({ used_bytes: 700, reserved_bytes: 0 });
  });

  describe("when storage moves under it", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("answers 204 with the row deleted and its bytes freed when the object is already gone", async () => {
      const user = newUser();
      const file = await seedFile(user, { size: 300 });
      await seedUsage(user, 1000);

      const response = await call("DELETE", `/v1/files/${file.id}`, { token: await tokenFor(user) });

      expect(response.status).toBe(204);
      const after = await rowsOf(user);
      expect(after.usage).toEqual({ used_bytes: 700, reserved_bytes: 0 });
      expect(after.files[0]).toMatchObject({ status: "deleted", reason: null });
    });

    it("answers 204 when the delete event reaches the processor as soon as the object is gone", async () => {
      const user = newUser();
      const file = await seedFile(user, { size: 300 });
      await env.BUCKET.put(file.key, new Uint8Array(300));
      await seedUsage(user, 1000);
      // The processor's answer to R2's DeleteObject event, run the moment the object goes.
      const deleteObject = env.BUCKET.delete.bind(env.BUCKET);
      vi.spyOn(env.BUCKET, "delete").mockImplementation(async (keys) => {
        await deleteObject(keys);
        const db = createDb(env.DB);
        const row = await findFileByKey(db, file.key);
        if (row?.status === "ready") {
          await markDeleted(db, row, formatReason("object_missing", "the object was deleted outside the API"));
        }
      });

      const response = await call("DELETE", `/v1/files/${file.id}`, { token: await tokenFor(user) });

      expect(response.status).toBe(204);
      expect(await env.BUCKET.head(file.key)).toBeNull();
      const after = await rowsOf(user);
      expect(after.usage).toEqual({ used_bytes: 700, reserved_bytes: 0 });
      // The API's delete decided it, not the processor's "object_missing".
      expect(after.files[0]).toMatchObject({ status: "deleted", reason: null });
    });

    it("answers 204 with the row deleted when the object delete fails, leaving the object to reconciliation", async () => {
      const user = newUser();
      const file = await seedFile(user, { size: 300 });
      await env.BUCKET.put(file.key, new Uint8Array(300));
      await seedUsage(user, 1000);
      vi.spyOn(env.BUCKET, "delete").mockRejectedValue(new Error("storage is unavailable"));

      const response = await call("DELETE", `/v1/files/${file.id}`, { token: await tokenFor(user) });

      expect(response.status).toBe(204);
      const after = await rowsOf(user);
      expect(after.usage).toEqual({ used_bytes: 700, reserved_bytes: 0 });
      expect(after.files[0]).toMatchObject({ status: "deleted" });
      expect(await env.BUCKET.head(file.key)).not.toBeNull();
    });
  });

  it.each([
    ["another user's file", async () => seedFile(newUser())],
    ["a pending upload", async (user: string) => seedFile(user, { status: "pending" })],
  ])("404 for %s, and nothing changes", async (_case, make) => {
    const user = newUser();
    const file = await make(user);
    await env.BUCKET.put(file.key, "bytes");
    await seedUsage(user, 100, 100);
    const before = await rowsOf(user);

    const response = await call("DELETE", `/v1/files/${file.id}`, { token: await tokenFor(user) });

    expect(response.status).toBe(404);
    expect(await env.BUCKET.head(file.key)).not.toBeNull();
    expect(await rowsOf(user)).toEqual(before);
  });
});
