import { escapeUri } from "@smithy/core/protocols";

/** A request target whose percent-encoding is not valid UTF-8: S3's InvalidURI. */
export class InvalidUriError extends Error {
  override name = "InvalidUriError";
}

/**
 * S3's canonical URI for a path as received: each segment decoded once and URI-encoded again
 * with the SDK's own escaping, slashes kept, and no `.`/`..` or `//` normalization (S3 signs
 * keys, not file paths). Decoding first makes `/a b`, `/a%20b` and `/test$file` sign alike.
 */
export function canonicalUri(rawPath: string): string {
  return rawPath.split("/").map((segment) => escapeUri(decodeOnce(segment))).join("/");
}

/** Decodes percent-escapes once (never `+` as a space: that is form encoding, not a URI's). */
export function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidUriError("The path or query holds a malformed percent-escape.");
  }
}

/** A query string as received, decoded into the SDK's query shape (repeated keys become lists). */
export function parseRawQuery(rawQuery: string): Record<string, string | string[]> {
  // No prototype, so a key such as `__proto__` is stored as data like any other.
  const query: Record<string, string | string[]> = Object.create(null);
  const text = rawQuery.startsWith("?") ? rawQuery.slice(1) : rawQuery;
  if (text === "") return query;

  for (const part of text.split("&")) {
    if (part === "") continue;
    const at = part.indexOf("=");
    const key = decodeOnce(at < 0 ? part : part.slice(0, at));
    const value = at < 0 ? "" : decodeOnce(part.slice(at + 1));
    const seen = query[key];
    if (seen === undefined) query[key] = value;
    else query[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}
