import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { call, newUser, ORIGIN, problemOf, rowsOf, tokenFor } from "./helpers";

describe("routing", () => {
  it("answers /healthz without a token", async () => {
    const response = await call("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, worker: "upload-signer" });
  });

  it.each(["/", "/v1", "/v1/upload", "/v1/files/a/b/c", "/v2/uploads"])("404 problem for %s", async (path) => {
    const response = await call("GET", path, { token: await tokenFor(newUser()) });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).code).toBe("not_found");
  });

  it.each([
    ["GET", "/v1/uploads", "POST"],
    ["PUT", "/v1/uploads/abc", "GET, DELETE"],
    ["POST", "/v1/files", "GET"],
    ["PATCH", "/v1/files/abc", "DELETE"],
    ["DELETE", "/v1/files/abc/download", "GET"],
    ["POST", "/healthz", "GET"],
  ])("405 problem with Allow for %s %s", async (method, path, allow) => {
    const response = await call(method, path, { token: await tokenFor(newUser()) });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect((await problemOf(response)).code).toBe("method_not_allowed");
  });
});

describe("configuration", () => {
  afterEach(() => vi.restoreAllMocks());

  async function fetchWith(overrides: Record<string, unknown>, init: RequestInit = {}) {
    const ctx = createExecutionContext();
    // The cast stands for the `cf` object the runtime attaches to incoming requests.
    const request = new Request(`${ORIGIN}/v1/uploads`, init) as Request<unknown, IncomingRequestCfProperties>;
    const response = await worker.fetch(request, { ...env, ...overrides } as Env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it("answers 500 misconfigured and logs which settings, never their values", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const user = newUser();

    const response = await fetchWith(
      {
        MAX_UPLOAD_BYTES: "lots-of-bytes",
        R2_SECRET_ACCESS_KEY: "",
        AUTH_SECRET: "short-secret-value",
        R2_ENDPOINT: "ftp://secret-host.example",
      },
      {
        method: "POST",
        headers: { authorization: `Bearer ${await tokenFor(user)}`, "content-type": "application/json" },
        body: JSON.stringify({ filename: "a.png", contentType: "image/png", size: 1 }),
      },
    );

    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem.code).toBe("misconfigured");
    expect(JSON.stringify(problem)).not.toMatch(/MAX_UPLOAD_BYTES|short-secret|secret-host/);

    const logged = errors.join("\n");
    for (const name of ["MAX_UPLOAD_BYTES", "R2_SECRET_ACCESS_KEY", "AUTH_SECRET", "R2_ENDPOINT"]) {
      expect(logged).toContain(name);
    }
    expect(logged).not.toMatch(/lots-of-bytes|short-secret-value|secret-host/);
    expect(await rowsOf(user)).toEqual({ files: [], usage: null });
  });

  it("uses its settings: a smaller limit and allow-list apply", async () => {
    const user = newUser();
    const headers = { authorization: `Bearer ${await tokenFor(user)}`, "content-type": "application/json" };
    const post = (body: object, overrides: Record<string, unknown>) =>
      fetchWith(overrides, { method: "POST", headers, body: JSON.stringify(body) });

    const tooLarge = await post({ filename: "a.png", contentType: "image/png", size: 101 }, { MAX_UPLOAD_BYTES: "100" });
    expect(tooLarge.status).toBe(413);

    const refused = await post({ filename: "a.png", contentType: "image/png", size: 10 }, { ALLOWED_TYPES: "text/plain" });
    expect(refused.status).toBe(415);

    const allowed = await post({ filename: "a.txt", contentType: "text/plain", size: 10 }, { ALLOWED_TYPES: " Text/Plain " });
    expect(allowed.status).toBe(201);
  });
});
