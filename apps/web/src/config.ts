import * as v from "valibot";
import { AuthEnvSchema, readAuthConfig, type AuthConfig } from "@trove/auth";
import { HttpError, type Logger } from "@trove/http";

// Messages name the rule, never the value: they reach a log line.
const WebEnvSchema = v.object({
  /** Storage's S3 endpoint; the page may load previews from and send uploads to its origin. */
  R2_ENDPOINT: v.pipe(v.string("must be set"), v.url("must be a URL")),
  /**
   * "on" adds POST /dev/token, which signs a development token for any user id. Local only:
   * wrangler.jsonc sets "off" (what deploys), .dev.vars turns it on for `pnpm dev`.
   */
  DEV_TOKENS: v.optional(v.picklist(["on", "off"], 'must be "on" or "off"'), "off"),
});

export interface WebConfig {
  storageOrigin: string;
  /** Present only when development tokens are on; then it holds the HS256 secret. */
  devTokens: AuthConfig | undefined;
}

type Parsed = { ok: true; config: WebConfig } | { ok: false; settings: string[] };

// Bindings do not change while an isolate lives, so each env object is parsed once.
const parsedByEnv = new WeakMap<object, Parsed>();

/**
 * The web Worker's settings, or a 500 `misconfigured` problem. The log line names the settings
 * that are wrong and why, never their values (AUTH_SECRET is one).
 */
export function readConfig(env: Env, log: Logger): WebConfig {
  let parsed = parsedByEnv.get(env);
  if (!parsed) {
    parsed = parse(env as unknown as Record<string, unknown>);
    parsedByEnv.set(env, parsed);
  }
  if (parsed.ok) return parsed.config;

  log.error("misconfigured", { settings: parsed.settings.join(", ") });
  throw new HttpError(500, "misconfigured", "The web server is not configured correctly.");
}

function parse(raw: Record<string, unknown>): Parsed {
  const result = v.safeParse(WebEnvSchema, raw);
  if (!result.success) return { ok: false, settings: describe(result.issues) };

  let devTokens: AuthConfig | undefined;
  if (result.output.DEV_TOKENS === "on") {
    const auth = v.safeParse(AuthEnvSchema, raw);
    if (!auth.success) return { ok: false, settings: describe(auth.issues) };
    devTokens = readAuthConfig(raw);
    if (!devTokens.secret) return { ok: false, settings: ["AUTH_SECRET: must be set when DEV_TOKENS is on"] };
  }

  return { ok: true, config: { storageOrigin: new URL(result.output.R2_ENDPOINT).origin, devTokens } };
}

/** "NAME: rule" for each issue; valibot's own messages quote the input, so they are dropped. */
function describe(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const name = v.getDotPath(issue) ?? "AUTH_SECRET or AUTH_JWKS_URL";
    const own = issue.message.startsWith("Invalid ") ? "is not valid" : issue.message;
    return `${name}: ${own}`;
  });
}
