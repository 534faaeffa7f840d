import { SignJWT } from "jose";
import type { AuthConfig } from "./config";
import { SCOPES, type Scope } from "./scopes";

/**
 * Signs an HS256 development token for a user. Production tokens come from the team's own
 * identity provider and are verified through AUTH_JWKS_URL.
 */
export async function issueDevToken(
  userId: string,
  config: AuthConfig,
  options: { scopes?: readonly Scope[]; expiresIn?: string } = {},
): Promise<string> {
  if (!config.secret) throw new Error("Development tokens need AUTH_SECRET.");
  return new SignJWT({ scope: (options.scopes ?? SCOPES).join(" ") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "12h")
    .sign(config.secret);
}
