import { verifyToken, readAuthConfig } from "@trove/auth";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { envWith, readProblem, send } from "./helpers";

const devEnv = () => envWith({ DEV_TOKENS: "on" });

function postToken(body: string, headers: Record<string, string> = { "content-type": "application/json" }, on = true) {
  return send("/dev/token", { method: "POST", headers, body }, on ? { env: devEnv() } : {});
}

describe("POST /dev/token", () => {
  it("does not exist with DEV_TOKENS off, as wrangler.jsonc deploys it", async () => {
    expect(env.DEV_TOKENS).toBe("off");
    const response = await postToken(JSON.stringify({ userId: "ada" }), undefined, false);

    expect(response.status).toBe(404);
    expect((await readProblem(response)).code).toBe("not_found");
  });

  it("signs a token that @trove/auth verifies when DEV_TOKENS is on", async () => {
    const response = await postToken(JSON.stringify({ userId: "ada_1" }));

    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { userId: string; token: string; expiresAt: string };
    expect(body.userId).toBe("ada_1");
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const principal = await verifyToken(body.token, readAuthConfig(env as unknown as Record<string, unknown>));
    expect(principal.userId).toBe("ada_1");
  });

  it.each([
    ["malformed JSON", "{", "malformed_json"],
    ["an empty body", "", "invalid_request"],
    ["a bad user id", JSON.stringify({ userId: "../admin" }), "invalid_request"],
    ["an unknown field", JSON.stringify({ userId: "ada", admin: true }), "invalid_request"],
  ])("refuses %s with 400", async (_what, body, code) => {
    const response = await postToken(body);

    expect(response.status).toBe(400);
    expect((await readProblem(response)).code).toBe(code);
  });

  it("refuses a body over the JSON limit with 413", async () => {
    const response = await postToken(JSON.stringify({ userId: "a".repeat(70 * 1024) }));

    expect(response.status).toBe(413);
    await readProblem(response);
  });

  it("refuses a body that is not JSON with 415", async () => {
    const response = await postToken("userId=ada", { "content-type": "application/x-www-form-urlencoded" });

    expect(response.status).toBe(415);
    expect((await readProblem(response)).code).toBe("unsupported_content_type");
  });
});
