import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * One rule of the S3-style CORS file (r2-cors.json) that the local storage endpoint reads.
 * R2's API and `wrangler r2 bucket cors set` take another shape (CorsRule), made from it here
 * so that one file drives both.
 */
export interface S3CorsRule {
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** A rule as `wrangler r2 bucket cors set --file` expects it, inside `{ "rules": [...] }`. */
export interface CorsRule {
  allowed: { origins: string[]; methods: string[]; headers?: string[] };
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

export const CORS_FILE = fileURLToPath(new URL("../r2-cors.json", import.meta.url));

export function readS3CorsFile(file = CORS_FILE): S3CorsRule[] {
  return JSON.parse(readFileSync(file, "utf8")) as S3CorsRule[];
}

/**
 * Production origins from a comma-separated list (TROVE_ALLOWED_ORIGINS or --origins). Each must
 * be a bare origin, `https://app.example.com`, since browsers compare origins exactly; a path
 * or trailing slash would never match and is refused rather than silently not working.
 */
export function parseOrigins(list: string | undefined): string[] {
  const origins = (list ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new Error(`"${origin}" is not an origin such as https://app.example.com`);
    }
  }
  return origins;
}

/** The bucket's rules: the file's, with the production origins added to every rule. */
export function toWranglerCors(rules: S3CorsRule[], extraOrigins: string[]): { rules: CorsRule[] } {
  return {
    rules: rules.map((rule) => {
      const converted: CorsRule = {
        allowed: {
          origins: [...new Set([...rule.AllowedOrigins, ...extraOrigins])],
          methods: rule.AllowedMethods,
        },
      };
      if (rule.AllowedHeaders) converted.allowed.headers = rule.AllowedHeaders;
      if (rule.ExposeHeaders) converted.exposeHeaders = rule.ExposeHeaders;
      if (rule.MaxAgeSeconds !== undefined) converted.maxAgeSeconds = rule.MaxAgeSeconds;
      return converted;
    }),
  };
}

/** Whether the bucket already has exactly these rules (order of list items aside). */
export function sameCors(current: CorsRule[], wanted: CorsRule[]): boolean {
  const key = (rule: CorsRule) =>
    JSON.stringify([
      [...rule.allowed.origins].sort(),
      [...rule.allowed.methods].map((m) => m.toUpperCase()).sort(),
      [...(rule.allowed.headers ?? [])].map((h) => h.toLowerCase()).sort(),
      [...(rule.exposeHeaders ?? [])].map((h) => h.toLowerCase()).sort(),
      rule.maxAgeSeconds ?? 0,
    ]);
  return current.length === wanted.length && current.every((rule, i) => key(rule) === key(wanted[i] as CorsRule));
}
