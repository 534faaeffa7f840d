import { S3Error } from "./s3-error";
import { decodeOnce } from "./sigv4/canonical-uri";

/** What a path-style request addresses: the service, a bucket, or an object in a bucket. */
export interface Target {
  bucket?: string;
  key?: string;
  /** The path for error documents' <Resource>; never the query, which holds signatures. */
  resource: string;
}

const MAX_KEY_BYTES = 1024;

/** Reads `/<bucket>/<key>`; the key may hold `/` and percent-escapes and is decoded once. */
export function readTarget(pathname: string): Target {
  const rest = pathname.slice(1);
  if (rest === "") return { resource: "/" };

  const slash = rest.indexOf("/");
  const bucket = decodeOnce(slash < 0 ? rest : rest.slice(0, slash));
  const rawKey = slash < 0 ? "" : rest.slice(slash + 1);
  if (rawKey === "") return { bucket, resource: `/${bucket}` };

  const key = decodeOnce(rawKey);
  if (new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) {
    throw new S3Error(400, "KeyTooLongError", "Your key is too long.");
  }
  return { bucket, key, resource: `/${bucket}/${key}` };
}

/** Subresources R2 may know but this endpoint does not serve; answering them as plain object calls would mislead. */
const UNSUPPORTED_SUBRESOURCES = [
  "acl",
  "attributes",
  "legal-hold",
  "partNumber",
  "restore",
  "retention",
  "select",
  "tagging",
  "torrent",
  "uploadId",
  "uploads",
  "versionId",
];

export function unsupportedSubresource(query: Record<string, unknown>): string | undefined {
  return UNSUPPORTED_SUBRESOURCES.find((name) => name in query);
}
