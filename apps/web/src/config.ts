import * as v from "valibot";
import { AuthEnvSchema, readAuthConfig, type AuthConfig } from "@trove/auth";
import { describeSettingIssues, settingsReader, type ParsedSettings } from "@trove/http";

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

type Parsed = ParsedSettings<WebConfig>;

/** The Worker's settings, or a 500 `misconfigured` problem naming the wrong ones in the log. */
export const readConfig = settingsReader(parse, "The web server");

function parse(raw: Record<string, unknown>): Parsed {
  const result = v.safeParse(WebEnvSchema, raw);
  if (!result.success) return { ok: false, settings: describeSettingIssues(result.issues) };

  let devTokens: AuthConfig | undefined;
  if (result.output.DEV_TOKENS === "on") {
    const auth = v.safeParse(AuthEnvSchema, raw);
    if (!auth.success) return { ok: false, settings: describeSettingIssues(auth.issues) };
    devTokens = readAuthConfig(raw);
    if (!devTokens.secret) return { ok: false, settings: ["AUTH_SECRET: must be set when DEV_TOKENS is on"] };
  }

  return { ok: true, config: { storageOrigin: new URL(result.output.R2_ENDPOINT).origin, devTokens } };
}

