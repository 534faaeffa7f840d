import * as v from "valibot";
import { readAuthConfig, type AuthConfig } from "@trove/auth";

const WebEnvSchema = v.object({
  /** Storage's S3 endpoint; the page may load previews from and send uploads to its origin. */
  R2_ENDPOINT: v.pipe(v.string(), v.url()),
  /**
   * "on" adds POST /dev/token, which signs a development token for any user id. Local only:
   * wrangler.jsonc sets "off" (what deploys), .dev.vars turns it on for `pnpm dev`.
   */
  DEV_TOKENS: v.optional(v.picklist(["on", "off"]), "off"),
});

export interface WebConfig {
  storageOrigin: string;
  /** Present only when development tokens are on; then it holds the HS256 secret. */
  devTokens: AuthConfig | undefined;
}

let cached: { env: unknown; config: WebConfig } | undefined;

/** Reads the web Worker's settings once per env object; a bad setting fails loudly. */
export function readConfig(env: Env): WebConfig {
  if (cached?.env === env) return cached.config;
  const raw = env as unknown as Record<string, unknown>;
  const result = v.safeParse(WebEnvSchema, raw);
  if (!result.success) {
    throw new Error(`Web configuration is invalid: ${result.issues.map((i) => i.message).join("; ")}`);
  }

  let devTokens: AuthConfig | undefined;
  if (result.output.DEV_TOKENS === "on") {
    devTokens = readAuthConfig(raw);
    if (!devTokens.secret) throw new Error("DEV_TOKENS is on but AUTH_SECRET is not set.");
  }

  const config = { storageOrigin: new URL(result.output.R2_ENDPOINT).origin, devTokens };
  cached = { env, config };
  return config;
}
