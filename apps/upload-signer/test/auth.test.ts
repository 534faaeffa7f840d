import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, newUser, problemOf, rowsOf, seedFile, tokenFor, unsignedToken } from "./helpers";

const intent = { filename: "a.png", contentType: "image/png", size: 10 };

const badTokens: [string, (user: string) => Promise<string | undefined> | string | undefined][] = [
  ["no token", () => undefined],
  ["an expired token", (user) => tokenFor(user, { expiresAt: Math.floor(Date.now() / 1000) - 60 })],
  ["a token signed with another secret", (user) => tokenFor(user, { secret: "another-secret-that-is-long-enough-0123" })],
  ["an unsigned token (alg none)", (user) => unsignedToken(user)],
  ["a token from another issuer", (user) => tokenFor(user, { issuer: "someone-else" })],
  ["a token for another audience", (user) => tokenFor(user, { audience: "another-api" })],
  ["a token that is not a JWT", () => "not.a.jwt"],
];

describe("authentication", () => {
  it.each(badTokens)("401 for %s, and nothing changes", async (_case, makeToken) => {
    const user = newUser();
    const token = await makeToken(user);
    const response = await call("POST", "/v1/uploads", token ? { token, json: intent } : { json: intent });

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect((await problemOf(response)).code).toBe("unauthorized");
    expect(await rowsOf(user)).toEqual({ files: [], usage: null });
  });

  it("401 for a non-bearer Authorization header", async () => {
    const response = await call("GET", "/v1/files", { headers: { authorization: "Basic YWxpY2U6eA==" } });
    expect(response.status).toBe(401);
  });

  const routes: [string, string, (user: string) => Promise<string>, string][] = [
    ["POST", "/v1/uploads", async () => "/v1/uploads", "uploads:write"],
    ["GET", "/v1/uploads/:id", async (user) => `/v1/uploads/${(await seedFile(user)).id}`, "uploads:read"],
    ["GET", "/v1/files", async () => "/v1/files", "files:read"],
    ["GET", "/v1/files/:id/download", async (user) => `/v1/files/${(await seedFile(user)).id}/download`, "files:read"],
    ["DELETE", "/v1/files/:id", async (user) => `/v1/files/${(await seedFile(user)).id}`, "files:write"],
  ];

  it.each(routes)("%s %s needs a token and the %s scope", async (method, _route, pathFor, scope) => {
    const user = newUser();
    const path = await pathFor(user);
    const others = ["uploads:write", "uploads:read", "files:read", "files:write", "generations:write"]
      .filter((other) => other !== scope);
    const json = method === "POST" ? intent : undefined;
    const before = await rowsOf(user);

    const anonymous = await call(method, path, { json });
    expect(anonymous.status).toBe(401);

    const lacking = await call(method, path, { token: await tokenFor(user, { scopes: others }), json });
    expect(lacking.status).toBe(403);
    expect((await problemOf(lacking)).code).toBe("insufficient_scope");
    expect(await rowsOf(user)).toEqual(before);

    const allowed = await call(method, path, { token: await tokenFor(user, { scopes: [scope] }), json });
    expect(allowed.status).toBeLessThan(300);
  });

  it("puts the token's user in the object key, whatever the body says", async () => {
    const user = newUser();
    const response = await call("POST", "/v1/uploads", {
      token: await tokenFor(user),
      json: { ...intent, filename: "u_other-user_x.png" },
    });
    const body = (await response.json()) as { key: string };
    expect(body.key.startsWith(`u/${user}/`)).toBe(true);
    expect(env.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
