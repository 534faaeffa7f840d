import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { UploadCreatedSchema, UploadStateSchema } from "@trove/contracts";
import { call, newUser, problemOf, rowsOf, seedFile, seedUsage, tokenFor } from "./helpers";

/** A pending upload made through the API, so its bytes are really reserved. */
async function createPending(user: string, size = 300) {
  const response = await call("POST", "/v1/uploads", {
    token: await tokenFor(user),
    json: { filename: "photo.png", contentType: "image/png", size },
  });
  expect(response.status).toBe(201);
  return v.parse(UploadCreatedSchema, await response.json());
}

async function cancel(user: string, id: string, scopes?: string[]) {
  const token = await tokenFor(user, scopes ? { scopes } : {});
  return call("DELETE", `/v1/uploads/${id}`, { token });
}

describe("DELETE /v1/uploads/:id", () => {
  it("cancels a pending upload: 204, row cancelled, reservation released", async () => {
    const user = newUser();
    const upload = await createPending(user, 300);
    expect((await rowsOf(user)).usage).toEqual({ used_bytes: 0, reserved_bytes: 300 });

    const response = await cancel(user, upload.id);

    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const { files, usage } = await rowsOf(user);
    expect(files.map((row) => [row.id, row.status, row.reason])).toEqual([
      [upload.id, "cancelled", null],
    ]);
    expect(usage).toEqual({ used_bytes: 0, reserved_bytes: 0 });

    const state = await call("GET", `/v1/uploads/${upload.id}`, { token: await tokenFor(user) });
    expect(v.parse(UploadStateSchema, await state.json()).status).toBe("cancelled");
  });

  it("deletes an object that already reached the key, and only that one", async () => {
    const user = newUser();
    const upload = await createPending(user, 300);
    const other = await createPending(user, 200);
    await env.BUCKET.put(upload.key, new Uint8Array(300));
    await env.BUCKET.put(other.key, new Uint8Array(200));

    expect((await cancel(user, upload.id)).status).toBe(204);

    expect(await env.BUCKET.head(upload.key)).toBeNull();
    expect(await env.BUCKET.head(other.key)).not.toBeNull();
    expect((await rowsOf(user)).usage).toEqual({ used_bytes: 0, reserved_bytes: 200 });
  });

  it("answers 204 again for a cancelled upload, changing nothing, and deletes a late object", async () => {
    const user = newUser();
    const upload = await createPending(user, 300);
    await createPending(user, 100);
    expect((await cancel(user, upload.id)).status).toBe(204);
    const before = await rowsOf(user);
    await env.BUCKET.put(upload.key, new Uint8Array(300));

    const again = await cancel(user, upload.id);

    expect(again.status).toBe(204);
    const after = await rowsOf(user);
    expect(after.usage).toEqual({ used_bytes: 0, reserved_bytes: 100 });
    expect(after.files).toEqual(before.files);
    expect(await env.BUCKET.head(upload.key)).toBeNull();
  });

  it.each(["ready", "rejected", "expired", "failed", "deleted"])(
    "refuses a %s upload with 409 not_pending and changes nothing",
    async (status) => {
      const user = newUser();
      const file = await seedFile(user, { status, size: 300 });
      await seedUsage(user, status === "ready" ? 300 : 0);
      await env.BUCKET.put(file.key, new Uint8Array(300));

      const response = await cancel(user, file.id);

      expect(response.status).toBe(409);
      const problem = await problemOf(response);
      expect(problem.code).toBe("not_pending");
      expect(problem.detail).toContain(status);
      if (status === "ready") expect(problem.detail).toContain("DELETE /v1/files/");
      const { files, usage } = await rowsOf(user);
      expect(files.map((row) => row.status)).toEqual([status]);
      expect(usage).toEqual({ used_bytes: status === "ready" ? 300 : 0, reserved_bytes: 0 });
      expect(await env.BUCKET.head(file.key)).not.toBeNull();
    },
  );

  it("is 404 for another user's upload, which stays pending with its object", async () => {
    const owner = newUser();
    const upload = await createPending(owner, 300);
    await env.BUCKET.put(upload.key, new Uint8Array(300));

    const response = await cancel(newUser(), upload.id);

    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("not_found");
    const { files, usage } = await rowsOf(owner);
    expect(files.map((row) => row.status)).toEqual(["pending"]);
    expect(usage).toEqual({ used_bytes: 0, reserved_bytes: 300 });
    expect(await env.BUCKET.head(upload.key)).not.toBeNull();
  });

  it.each([crypto.randomUUID(), "not an id!"])("is 404 for an unknown id %s", async (id) => {
    const response = await cancel(newUser(), encodeURIComponent(id));
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("not_found");
  });

  it("is 404 for a generated file, which is not an upload", async () => {
    const user = newUser();
    const file = await seedFile(user, { origin: "generation", status: "pending" });
    const response = await cancel(user, file.id);
    expect(response.status).toBe(404);
    expect((await rowsOf(user)).files.map((row) => row.status)).toEqual(["pending"]);
  });

  it("is 401 without a token and 403 without uploads:write, leaving the upload pending", async () => {
    const user = newUser();
    const upload = await createPending(user, 300);

    const anonymous = await call("DELETE", `/v1/uploads/${upload.id}`);
    expect(anonymous.status).toBe(401);
    expect((await problemOf(anonymous)).status).toBe(401);

    const readOnly = await cancel(user, upload.id, ["uploads:read", "files:write"]);
    expect(readOnly.status).toBe(403);
    expect((await problemOf(readOnly)).status).toBe(403);

    const { files, usage } = await rowsOf(user);
    expect(files.map((row) => row.status)).toEqual(["pending"]);
    expect(usage).toEqual({ used_bytes: 0, reserved_bytes: 300 });
  });
});
