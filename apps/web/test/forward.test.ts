import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newUser, readProblem, send, tokenFor, type SendInit } from "./helpers";

const json = (token: string | undefined, body: unknown, extra: Record<string, string> = {}): SendInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
  body: JSON.stringify(body),
});

const auth = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

describe("/v1/uploads and /v1/files reach the upload API", () => {
  it("passes method, Authorization and body: the intent is recorded and read back", async () => {
    const token = await tokenFor(newUser());
    const intent = { filename: "holiday.png", contentType: "image/png", size: 1234 };

    const created = await send("/v1/uploads", json(token, intent));
    expect(created.status).toBe(201);
    const { id, upload } = (await created.json()) as { id: string; upload: { method: string; headers: Record<string, string> } };
    expect(upload.headers["content-length"]).toBe("1234");

    const state = await send(`/v1/uploads/${id}`, { headers: auth(token) });
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ id, status: "pending", filename: "holiday.png", size: 1234 });
  });

  it("passes the method: a DELETE of the collection is the upload API's 405", async () => {
    const token = await tokenFor(newUser());
    const response = await send("/v1/uploads", { method: "DELETE", headers: auth(token) });

    expect(response.status).toBe(405);
    expect((await readProblem(response)).code).toBe("method_not_allowed");
  });

  it("answers the upload API's 401 when no Authorization is sent", async () => {
    const response = await send("/v1/files");

    expect(response.status).toBe(401);
    expect((await readProblem(response)).code).toBe("unauthorized");
  });

  it("lists files through the upload API", async () => {
    const token = await tokenFor(newUser());
    const response = await send("/v1/files?limit=5", { headers: auth(token) });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [], nextCursor: null });
  });
});

describe("/v1/generations reaches the generator", () => {
  it("passes method, Authorization, body and the caller's x-request-id", async () => {
    const token = await tokenFor(newUser());
    const requestId = `web-test-${crypto.randomUUID()}`;

    const response = await send(
      "/v1/generations",
      json(token, { kind: "text", prompt: "a haiku about forwarding" }, { "x-request-id": requestId }),
    );

    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const generation = (await response.json()) as { id: string; provider: string; kind: string };
    expect(generation).toMatchObject({ provider: "echo", kind: "text" });
    const row = await env.TEST_DB.prepare("select request_id from generations where id = ?")
      .bind(generation.id)
      .first<{ request_id: string }>();
    expect(row?.request_id).toBe(requestId);
  });

  it("gives the generator the request id it made when the caller sent none", async () => {
    const token = await tokenFor(newUser());
    const response = await send("/v1/generations", json(token, { kind: "image", prompt: "a red square" }));

    expect(response.status).toBe(201);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { id } = (await response.json()) as { id: string };
    const row = await env.TEST_DB.prepare("select request_id from generations where id = ?").bind(id).first<{ request_id: string }>();
    expect(row?.request_id).toBe(requestId);
  });

  it("reads a generation back with GET", async () => {
    const token = await tokenFor(newUser());
    const created = (await (await send("/v1/generations", json(token, { kind: "text", prompt: "hi" }))).json()) as { id: string };

    const response = await send(`/v1/generations/${created.id}`, { headers: auth(token) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: created.id, status: "ready" });
  });

  it("answers the generator's 400 for a bad body", async () => {
    const token = await tokenFor(newUser());
    const response = await send("/v1/generations", json(token, { kind: "poem", prompt: "x" }));

    expect(response.status).toBe(400);
    const problem = await readProblem(response);
    expect(problem.errors?.map((error) => error.path)).toContain("kind");
  });
});
