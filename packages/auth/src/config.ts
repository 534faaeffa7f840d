import * as v from "valibot";

/** Only these algorithms are ever accepted; `none` and anything else are refused. */
export const ALLOWED_ALGORITHMS = ["HS256", "RS256", "ES256", "EdDSA"] as const;

const MIN_SECRET_BYTES = 32;

/**
 * How a Worker verifies user tokens, read from its environment once at the edge.
 * `AUTH_SECRET` (HS256, development) or `AUTH_JWKS_URL` (asymmetric, production).
 */
export const AuthEnvSchema = v.pipe(
  v.object({
    AUTH_ISSUER: v.pipe(v.string(), v.minLength(1)),
    AUTH_AUDIENCE: v.pipe(v.string(), v.minLength(1)),
    AUTH_SECRET: v.optional(
      v.pipe(
        v.string(),
        v.check(
          (secret) => new TextEncoder().encode(secret).byteLength >= MIN_SECRET_BYTES,
          `AUTH_SECRET must be at least ${MIN_SECRET_BYTES} bytes.`,
        ),
      ),
    ),
    AUTH_JWKS_URL: v.optional(v.pipe(v.string(), v.url())),
  }),
  v.check(
    (env) => Boolean(env.AUTH_SECRET) !== Boolean(env.AUTH_JWKS_URL),
    "Set exactly one of AUTH_SECRET (development) and AUTH_JWKS_URL (production).",
  ),
);

export type AuthEnv = v.InferOutput<typeof AuthEnvSchema>;

export interface AuthConfig {
  issuer: string;
  audience: string;
  secret?: Uint8Array;
  jwksUrl?: URL;
}

/** Parses the auth settings of a Worker's env; throws a clear message when they are wrong. */
export function readAuthConfig(env: Record<string, unknown>): AuthConfig {
  const result = v.safeParse(AuthEnvSchema, env);
  if (!result.success) {
    const message = result.issues.map((issue) => issue.message).join("; ");
    throw new Error(`Auth configuration is invalid: ${message}`);
  }
  const parsed = result.output;
  const config: AuthConfig = { issuer: parsed.AUTH_ISSUER, audience: parsed.AUTH_AUDIENCE };
  if (parsed.AUTH_SECRET) config.secret = new TextEncoder().encode(parsed.AUTH_SECRET);
  if (parsed.AUTH_JWKS_URL) config.jwksUrl = new URL(parsed.AUTH_JWKS_URL);
  return config;
}
