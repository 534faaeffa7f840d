import * as v from "valibot";

const ConfigSchema = v.object({
  BUCKET_NAME: v.pipe(v.string(), v.minLength(1)),
  UPLOAD_GRACE_SECONDS: v.pipe(
    v.string(),
    v.regex(/^\d+$/, "UPLOAD_GRACE_SECONDS must be a whole number of seconds"),
    v.transform(Number),
  ),
});

/** The processor's settings. */
export interface Config {
  /** Events about any other bucket are acked and ignored. */
  bucketName: string;
  /** How long after its URL expires a pending upload may still receive its object. */
  uploadGraceMs: number;
}

/** Parses the vars once per invocation, at the Worker's edge; a bad value throws. */
export function readConfig(env: Env): Config {
  const parsed = v.parse(ConfigSchema, env);
  return { bucketName: parsed.BUCKET_NAME, uploadGraceMs: parsed.UPLOAD_GRACE_SECONDS * 1000 };
}
