import * as v from "valibot";
import policyFile from "@trove/provision/r2-cors.json";
import { S3Error } from "./s3-error";

/** One rule of a bucket CORS policy, in the S3 shape R2 also accepts. */
const CorsRuleSchema = v.object({
  ID: v.optional(v.string()),
  AllowedOrigins: v.pipe(v.array(v.string()), v.minLength(1)),
  AllowedMethods: v.pipe(v.array(v.picklist(["GET", "PUT", "POST", "DELETE", "HEAD"])), v.minLength(1)),
  AllowedHeaders: v.optional(v.array(v.string()), []),
  ExposeHeaders: v.optional(v.array(v.string()), []),
  MaxAgeSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

export const CorsPolicySchema = v.pipe(v.array(CorsRuleSchema), v.minLength(1));
export type CorsRule = v.InferOutput<typeof CorsRuleSchema>;

/** The policy production applies to the bucket; a malformed file stops the Worker at start. */
export const bucketCorsPolicy: CorsRule[] = v.parse(CorsPolicySchema, policyFile);

/** The first rule allowing this origin, method and every requested header (S3's order). */
export function findRule(
  policy: readonly CorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[] = [],
): CorsRule | undefined {
  return policy.find(
    (rule) =>
      rule.AllowedOrigins.some((pattern) => wildcardMatch(pattern, origin, false)) &&
      (rule.AllowedMethods as string[]).includes(method) &&
      requestHeaders.every((header) => rule.AllowedHeaders.some((pattern) => wildcardMatch(pattern, header, true))),
  );
}

/** Answers a preflight: allowed, with the rule's grants; refused, with 403 and no CORS headers. */
export function preflight(request: Request, policy: readonly CorsRule[]): Response {
  const origin = request.headers.get("origin");
  const method = request.headers.get("access-control-request-method");
  if (!origin || !method) {
    throw new S3Error(400, "BadRequest", "Insufficient information. Origin and Access-Control-Request-Method headers are needed.");
  }
  const requested = (request.headers.get("access-control-request-headers") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");

  const rule = findRule(policy, origin, method, requested);
  if (!rule) {
    throw new S3Error(403, "AccessForbidden", "CORSResponse: This CORS request is not allowed by the bucket's CORS policy.");
  }

  const headers = new Headers({
    "access-control-allow-origin": allowOrigin(rule, origin),
    "access-control-allow-methods": rule.AllowedMethods.join(", "),
    vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
  });
  if (requested.length > 0) headers.set("access-control-allow-headers", requested.join(", "));
  if (rule.ExposeHeaders.length > 0) headers.set("access-control-expose-headers", rule.ExposeHeaders.join(", "));
  if (rule.MaxAgeSeconds !== undefined) headers.set("access-control-max-age", String(rule.MaxAgeSeconds));
  return new Response(null, { status: 200, headers });
}

/**
 * Adds CORS headers to an actual (non-preflight) response when a rule allows the request's
 * origin and method; otherwise none, so the browser withholds the response from the page.
 */
export function applyCors(request: Request, headers: Headers, policy: readonly CorsRule[]): void {
  if (!headers.has("vary")) headers.set("vary", "Origin");
  const origin = request.headers.get("origin");
  if (!origin || request.method === "OPTIONS") return;

  const rule = findRule(policy, origin, request.method);
  if (!rule) return;
  headers.set("access-control-allow-origin", allowOrigin(rule, origin));
  if (rule.ExposeHeaders.length > 0) headers.set("access-control-expose-headers", rule.ExposeHeaders.join(", "));
}

/** A rule that allows any origin answers `*`; otherwise the origin itself is echoed. */
function allowOrigin(rule: CorsRule, origin: string): string {
  return rule.AllowedOrigins.includes("*") ? "*" : origin;
}

/** S3 patterns may hold `*` wildcards; header names compare without regard to case. */
function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}
