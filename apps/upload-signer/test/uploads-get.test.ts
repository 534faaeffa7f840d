import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { UploadCreatedSchema, UploadStateSchema } from "@trove/contracts";
import { call, newUser, problemOf, seedFile, tokenFor } from "./helpers";

describe("GET /v1/uploads/:id", () => {
  it("shows a new upload as pending", async () => {
    const user = newUser();
    const token = await tokenFor(user);
    const created = v.parse(
      UploadCreatedSchema,
      await (
        await call("POST", "/v1/uploads", {
          token,
          json: { filename: "notes.txt", contentType: "text/plain", size: 12 },
        })
      ).json(),
    );

    const response = await call("GET", `/v1/uploads/${created.id}`, { token });

    expect(response.status).toBe(200);
    const state = v.parse(UploadStateSchema, await response.json());
    expect(state).toMatchObject({
      id: created.id,
      status: "pending",
      filename: "notes.txt",
      contentType: "text/plain",
      size: 12,
    });
    expect(state).not.toHaveProperty("detectedType");
    expect(state).not.toHaveProperty("reason");
    expect(Date.parse(state.createdAt)).toBeLessThanOrEqual(Date.now());
  });

  it("shows the reason a rejected upload was refused", async () => {
    const user = newUser();
    const file = await seedFile(user, { status: "rejected", detectedType: "text/html" });
    const { env } = await import("cloudflare:workers");
    await env.DB.prepare("UPDATE files SET reason = ? WHERE id = ?")
      .bind("type_mismatch: declared image/png, found text/html", file.id)
      .run();

    const response = await call("GET", `/v1/uploads/${file.id}`, { token: await tokenFor(user) });

    const state = v.parse(UploadStateSchema, await response.json());
    expect(state).toMatchObject({
      status: "rejected",
      detectedType: "text/html",
      reason: "type_mismatch: declared image/png, found text/html",
      createdAt: new Date(file.createdAt).toISOString(),
    });
  });

  it.each([
    ["another user's upload", async () => (await seedFile(newUser())).id],
    ["a generated file", async (user: string) => (await seedFile(user, { origin: "generation" })).id],
    ["an id that does not exist", async () => crypto.randomUUID()],
    ["a malformed id", async () => "not%20an%20id"],
    ["an over-long id", async () => "a".repeat(200)],
  ])("404 for %s", async (_case, idOf) => {
    const user = newUser();
    const id = await idOf(user);

    const response = await call("GET", `/v1/uploads/${id}`, { token: await tokenFor(user) });

    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("not_found");
  });
});
