import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpError } from "@trove/http";
import { authenticate, issueDevToken, readAuthConfig, verifyToken, type AuthConfig } from "../src";

const ISSUER = "https://id.example.test";
const AUDIENCE = "trove";

/**
 * A stand-in identity provider: /keys answers the key set, /error a 500, /garbage broken JSON
 * and /hang nothing at all. Each path is its own URL, so jose's cache of a key set fetched
 * earlier (which rightly keeps working during an outage) does not hide the failure.
 */
let server: Server;
let origin: string;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };

  server = createServer((request, response) => {
    if (request.url === "/hang") return;
    if (request.url === "/error") return response.writeHead(500).end("down");
    if (request.url === "/garbage") return response.writeHead(200, { "content-type": "application/json" }).end("{");
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function rsToken(claims: { sub?: string; aud?: string } = {}) {
  return new SignJWT({ scope: "files:read" })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setSubject(claims.sub ?? "alice")
    .setIssuer(ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setExpirationTime("5m")
    .sign(privateKey);
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe("tokens verified against a JWKS URL", () => {
  const config = (path = "/keys"): AuthConfig =>
    readAuthConfig({ AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_JWKS_URL: origin + path });

  it("accepts a token signed by a key in the set", async () => {
    const principal = await verifyToken(await rsToken(), config());
    expect(principal.userId).toBe("alice");
    expect([...principal.scopes]).toEqual(["files:read"]);
  });

  it("refuses a token for another audience as the caller's fault", async () => {
    const error = await failure(verifyToken(await rsToken({ aud: "other" }), config()));
    expect(error.status).toBe(401);
  });

  it.each(["error", "garbage", "hang"] as const)(
    "answers 503, not 401, when the key set %s",
    async (failingMode) => {
      const error = await failure(verifyToken(await rsToken(), config(`/${failingMode}`)));
      expect(error.status).toBe(503);
      expect(error.code).toBe("auth_unavailable");
      expect(error.headers["retry-after"]).toBe("5");
    },
    15_000,
  );

  it("answers 503 when the identity provider cannot be reached", async () => {
    const closed = readAuthConfig({
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWKS_URL: "http://127.0.0.1:9/jwks",
    });
    const error = await failure(verifyToken(await rsToken(), closed));
    expect(error.status).toBe(503);
  });
});

describe("development tokens (HS256)", () => {
  const config = readAuthConfig({
    AUTH_ISSUER: "trove-dev",
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_SECRET: "a-development-secret-of-at-least-32-bytes",
  });

  it("verifies what issueDevToken signs, with every scope", async () => {
    const principal = await verifyToken(await issueDevToken("bob", config), config);
    expect(principal.userId).toBe("bob");
    expect(principal.scopes.has("uploads:write")).toBe(true);
  });

  it("refuses an expired token and an RS256 token as 401", async () => {
    const expired = await issueDevToken("bob", config, { expiresIn: "-1m" });
    expect((await failure(verifyToken(expired, config))).status).toBe(401);
    expect((await failure(verifyToken(await rsToken(), config))).status).toBe(401);
  });

  it("refuses a secret shorter than 32 bytes at start-up", () => {
    expect(() =>
      readAuthConfig({ AUTH_ISSUER: "i", AUTH_AUDIENCE: "a", AUTH_SECRET: "short" }),
    ).toThrow(/at least 32 bytes/);
  });

  it("reads the bearer scheme in any case, and refuses other schemes", async () => {
    const token = await issueDevToken("bob", config);
    const request = (authorization: string) =>
      new Request("http://127.0.0.1/v1/files", { headers: { authorization } });

    expect((await authenticate(request(`bearer ${token}`), config, "files:read")).userId).toBe("bob");
    expect((await authenticate(request(`BEARER ${token}`), config, "files:read")).userId).toBe("bob");
    expect((await failure(authenticate(request(`Basic ${token}`), config, "files:read"))).status).toBe(401);
  });

  it("refuses a token without the route's scope with 403", async () => {
    const token = await issueDevToken("bob", config, { scopes: ["files:read"] });
    const request = new Request("http://127.0.0.1/v1/uploads", { headers: { authorization: `Bearer ${token}` } });
    const error = await failure(authenticate(request, config, "uploads:write"));
    expect(error.status).toBe(403);
    expect(error.code).toBe("insufficient_scope");
  });
});
