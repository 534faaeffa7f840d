import { errors, jwtVerify, SignJWT } from "jose";

/**
 * Service assertions: short-lived HS256 tokens one Worker hands another over a service binding
 * to say on whose behalf it calls. The callee checks the signature (SERVICE_SECRET, shared by
 * the Workers of one deployment), that it is the audience, and the expiry; the subject is the
 * user every limit and every row is then charged to.
 */

const MIN_SECRET_BYTES = 32;
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Assertions live long enough for one call; a captured one is soon useless. */
export const SERVICE_ASSERTION_TTL_SECONDS = 60;

/** What a verified assertion says: which Worker called, for which user. */
export interface ServiceCaller {
  caller: string;
  userId: string;
}

/** A refused assertion; the callee answers it as a caller fault (401), never retried. */
export class ServiceAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServiceAuthError";
  }
}

/** The secret as key bytes; refuses secrets too short to be safe for HS256. */
export function serviceKey(secret: string | undefined): Uint8Array {
  const bytes = new TextEncoder().encode(secret ?? "");
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new Error(`SERVICE_SECRET must be at least ${MIN_SECRET_BYTES} bytes.`);
  }
  return bytes;
}

/**
 * Signs an assertion from `caller` to `audience` (the callee Worker's name) for a user.
 * @example await signServiceAssertion(env.SERVICE_SECRET, { caller: "trove-event-processor",
 *   audience: "trove-ai-generator", userId })
 */
export async function signServiceAssertion(
  secret: string,
  claims: { caller: string; audience: string; userId: string; ttlSeconds?: number },
): Promise<string> {
  if (!USER_ID.test(claims.userId)) throw new Error("The user id is not valid.");
  const ttl = Math.min(claims.ttlSeconds ?? SERVICE_ASSERTION_TTL_SECONDS, 300);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "trove-service+jwt" })
    .setIssuer(claims.caller)
    .setAudience(claims.audience)
    .setSubject(claims.userId)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(serviceKey(secret));
}

/**
 * Verifies an assertion addressed to `audience`. Only HS256 is accepted; `exp`, `iat`, `iss`
 * and `sub` are required, and one issued over five minutes ago is refused whatever its `exp`
 * says, so a leaked long-lived assertion is worth little.
 */
export async function verifyServiceAssertion(
  assertion: unknown,
  options: { secret: string; audience: string; callers?: readonly string[] },
): Promise<ServiceCaller> {
  if (typeof assertion !== "string" || assertion.length > 4096) {
    throw new ServiceAuthError("The service assertion is missing or not a string.");
  }
  let payload;
  try {
    const result = await jwtVerify(assertion, serviceKey(options.secret), {
      audience: options.audience,
      algorithms: ["HS256"],
      typ: "trove-service+jwt",
      requiredClaims: ["exp", "iat", "iss", "sub"],
      maxTokenAge: "300s",
    });
    payload = result.payload;
  } catch (error) {
    throw new ServiceAuthError(describe(error));
  }

  const caller = payload.iss ?? "";
  const userId = payload.sub ?? "";
  if (!USER_ID.test(userId)) throw new ServiceAuthError("The assertion's subject is not a valid user id.");
  if (options.callers && !options.callers.includes(caller)) {
    throw new ServiceAuthError(`The caller ${caller} may not call ${options.audience}.`);
  }
  return { caller, userId };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The service assertion has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The service assertion's ${error.claim} claim is not accepted.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return "The service assertion's signature is not valid.";
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "The service assertion's algorithm is not allowed.";
  return "The service assertion is not valid.";
}
