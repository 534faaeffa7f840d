import * as v from "valibot";

/** The Worker's settings, parsed once from its bindings. */
export interface StorageConfig {
  bucket: string;
  /** Regions a credential scope may name: the configured one and us-east-1, as R2 accepts. */
  regions: readonly string[];
  accountId: string;
  maxObjectBytes: number;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1));

const EnvSchema = v.object({
  BUCKET_NAME: nonEmpty,
  REGION: nonEmpty,
  ACCOUNT_ID: nonEmpty,
  MAX_OBJECT_BYTES: v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))]),
    v.integer(),
    v.minValue(1),
  ),
  R2_ACCESS_KEY_ID: nonEmpty,
  R2_SECRET_ACCESS_KEY: nonEmpty,
});

/** A missing or malformed binding: the endpoint is misconfigured, which is our fault (500). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const parsed = new WeakMap<object, StorageConfig>();

export function readConfig(env: Env): StorageConfig {
  const cached = parsed.get(env);
  if (cached) return cached;

  const result = v.safeParse(EnvSchema, env);
  if (!result.success) {
    const fields = result.issues.map((issue) => v.getDotPath(issue) ?? "?").join(", ");
    throw new ConfigError(`local-storage bindings are missing or invalid: ${fields}`);
  }
  const vars = result.output;
  const config: StorageConfig = {
    bucket: vars.BUCKET_NAME,
    regions: [...new Set([vars.REGION, "us-east-1"])],
    accountId: vars.ACCOUNT_ID,
    maxObjectBytes: vars.MAX_OBJECT_BYTES,
    credentials: { accessKeyId: vars.R2_ACCESS_KEY_ID, secretAccessKey: vars.R2_SECRET_ACCESS_KEY },
  };
  parsed.set(env, config);
  return config;
}
