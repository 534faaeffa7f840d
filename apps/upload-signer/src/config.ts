import * as v from "valibot";
import { AuthEnvSchema, readAuthConfig, type AuthConfig } from "@trove/auth";
import { MediaTypeSchema } from "@trove/contracts";
import { describeSettingIssues, settingsReader, type ParsedSettings } from "@trove/http";
import { createStorage, type Storage } from "@trove/storage";

/** A SigV4 presigned URL lives at most seven days. */
const MAX_URL_TTL_SECONDS = 7 * 24 * 60 * 60;
/** R2 takes at most 5 GiB in one PUT; a larger limit would sign URLs storage refuses. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

// Messages name the rule, never the value: they may reach a log line.
const wholeNumber = (max: number) =>
  v.pipe(
    v.string("must be set"),
    v.regex(/^\d{1,16}$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(1, "must be at least 1"),
    v.maxValue(max, `must be at most ${max}`),
  );

const secretString = v.pipe(v.string("must be set"), v.minLength(1, "must not be empty"));

const EnvSchema = v.object({
  MAX_UPLOAD_BYTES: wholeNumber(MAX_SINGLE_PUT_BYTES),
  ALLOWED_TYPES: v.pipe(
    v.string("must be set"),
    v.transform((list) => list.split(",").map((type) => type.trim()).filter(Boolean)),
    v.minLength(1, "must list at least one media type"),
    v.check(
      (types) => types.every((type) => v.is(MediaTypeSchema, type)),
      "must be media types (type/subtype) separated by commas",
    ),
    v.transform((types) => new Set(types.map((type) => type.toLowerCase()))),
  ),
  UPLOAD_URL_TTL_SECONDS: wholeNumber(MAX_URL_TTL_SECONDS),
  DOWNLOAD_URL_TTL_SECONDS: wholeNumber(MAX_URL_TTL_SECONDS),
  USER_QUOTA_BYTES: wholeNumber(Number.MAX_SAFE_INTEGER),
  R2_ENDPOINT: v.pipe(
    v.string("must be set"),
    v.url("must be a URL"),
    v.check((url) => /^https?:$/.test(new URL(url).protocol), "must be an http(s) URL"),
  ),
  R2_BUCKET_NAME: v.pipe(
    v.string("must be set"),
    v.regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be an R2 bucket name"),
  ),
  R2_ACCESS_KEY_ID: secretString,
  R2_SECRET_ACCESS_KEY: secretString,
});

/** The upload-signer's settings, parsed once from its environment. */
export interface Config {
  maxUploadBytes: number;
  allowedTypes: ReadonlySet<string>;
  uploadUrlTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  quotaBytes: number;
  auth: AuthConfig;
  storage: Storage;
}

type Parsed = ParsedSettings<Config>;

/** The Worker's settings, or a 500 `misconfigured` problem naming the wrong ones in the log. */
export const configFor = settingsReader(parseEnv, "The upload service");

function parseEnv(raw: Record<string, unknown>): Parsed {
  const result = v.safeParse(EnvSchema, raw);
  const auth = v.safeParse(AuthEnvSchema, raw);

  const settings = [
    ...(result.success ? [] : describeSettingIssues(result.issues)),
    ...(auth.success ? [] : describeSettingIssues(auth.issues)),
  ];
  if (!result.success || !auth.success) return { ok: false, settings };

  const vars = result.output;
  return {
    ok: true,
    config: {
      maxUploadBytes: vars.MAX_UPLOAD_BYTES,
      allowedTypes: vars.ALLOWED_TYPES,
      uploadUrlTtlSeconds: vars.UPLOAD_URL_TTL_SECONDS,
      downloadUrlTtlSeconds: vars.DOWNLOAD_URL_TTL_SECONDS,
      quotaBytes: vars.USER_QUOTA_BYTES,
      auth: readAuthConfig(raw),
      storage: createStorage({
        endpoint: vars.R2_ENDPOINT,
        bucket: vars.R2_BUCKET_NAME,
        accessKeyId: vars.R2_ACCESS_KEY_ID,
        secretAccessKey: vars.R2_SECRET_ACCESS_KEY,
      }),
    },
  };
}

