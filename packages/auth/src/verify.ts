import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { HttpError } from "@trove/http";
import { ALLOWED_ALGORITHMS, type AuthConfig } from "./config";
import { SCOPES, type Scope } from "./scopes";

/** The caller a verified token names. */
export interface Principal {
  userId: string;
  scopes: ReadonlySet<Scope>;
}

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksFor(url: URL) {
  let set = jwksCache.get(url.href);
  if (!set) {
    set = createRemoteJWKSet(url);
    jwksCache.set(url.href, set);
  }
  return set;
}

/**
 * Verifies a bearer token: signature, issuer, audience, expiry and algorithm. The subject
 * becomes the user id and must be safe inside an object key.
 */
export async function verifyToken(token: string, config: AuthConfig): Promise<Principal> {
  let payload: JWTPayload;
  try {
    const options = {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.secret ? ["HS256"] : ALLOWED_ALGORITHMS.filter((alg) => alg !== "HS256"),
      requiredClaims: ["exp", "sub"],
    };
    const result = config.secret
      ? await jwtVerify(token, config.secret, options)
      : await jwtVerify(token, jwksFor(config.jwksUrl as URL), options);
    payload = result.payload;
  } catch (error) {
    if (config.jwksUrl && keySourceFailed(error)) {
      // The identity provider's keys could not be had: our fault (or theirs), not the caller's.
      throw new HttpError(503, "auth_unavailable", "Tokens cannot be checked right now; try again shortly.", {
        headers: { "retry-after": "5" },
      });
    }
    throw unauthorized(describeJoseError(error));
  }

  const userId = payload.sub ?? "";
  if (!USER_ID.test(userId)) {
    throw unauthorized("The token's subject is not a valid user id.");
  }
  return { userId, scopes: scopesOf(payload) };
}

/** Reads `Authorization: Bearer …`, verifies it and checks the scope a route needs. */
export async function authenticate(
  request: Request,
  config: AuthConfig,
  needed: Scope,
): Promise<Principal> {
  const header = request.headers.get("authorization") ?? "";
  // The scheme name is case-insensitive (RFC 9110); the token itself is not.
  const match = /^Bearer +([A-Za-z0-9_.-]+)$/i.exec(header.trim());
  if (!match?.[1]) {
    throw unauthorized(header ? "The Authorization header is not a bearer token." : "Sign in: send Authorization: Bearer <token>.");
  }
  const principal = await verifyToken(match[1], config);
  if (!principal.scopes.has(needed)) {
    throw new HttpError(403, "insufficient_scope", `This token lacks the ${needed} scope.`);
  }
  return principal;
}

function scopesOf(payload: JWTPayload): ReadonlySet<Scope> {
  const raw = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
  return new Set(SCOPES.filter((scope) => raw.includes(scope)));
}

/**
 * True when verification failed because the JWKS could not be fetched or read (a timeout, a
 * network error, a non-200 answer, a malformed key set) rather than because of the token.
 * jose reports the last two as its generic error class.
 */
function keySourceFailed(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (!(error instanceof errors.JOSEError)) return true;
  return error.code === "ERR_JOSE_GENERIC";
}

function unauthorized(detail: string): HttpError {
  return new HttpError(401, "unauthorized", detail, {
    headers: { "www-authenticate": 'Bearer realm="trove"' },
  });
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted.`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's algorithm is not allowed.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature is not valid.";
  return "The token is not valid.";
}
