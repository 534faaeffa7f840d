import { UNSIGNED_PAYLOAD } from "../authenticate";
import { exactLength } from "../body-length";
import { notify } from "../events";
import { S3Error } from "../s3-error";
import type { ObjectRequest } from "./context";

const STORED_HTTP_HEADERS = [
  ["content-type", "contentType"],
  ["content-language", "contentLanguage"],
  ["content-disposition", "contentDisposition"],
  ["content-encoding", "contentEncoding"],
  ["cache-control", "cacheControl"],
] as const;

/**
 * PutObject: stores the body only if it is exactly as long as declared (and, when the client
 * signed a payload hash or sent Content-MD5, only if R2 finds the same digest), then emits
 * R2's PutObject notification.
 */
export async function putObject(op: ObjectRequest): Promise<Response> {
  const { request, key, config } = op;
  const length = declaredLength(request.headers.get("content-length"), config.maxObjectBytes);

  const options: R2PutOptions = {
    httpMetadata: httpMetadataOf(request.headers),
    customMetadata: customMetadataOf(request.headers),
  };
  if (op.auth.payloadHash !== UNSIGNED_PAYLOAD) options.sha256 = op.auth.payloadHash;
  const md5 = request.headers.get("content-md5");
  if (md5 !== null) options.md5 = md5Bytes(md5);

  const body = exactLength(request.body, length);
  let object: R2Object;
  try {
    object = await op.env.BUCKET.put(key, body.readable, options);
  } catch (error) {
    throw refusal(body.fault(), error, length);
  }

  await notify(op.env.EVENTS, { action: "PutObject", key, size: object.size, eTag: object.etag }, config, op.now, op.log);
  return new Response(null, { status: 200, headers: { etag: object.httpEtag } });
}

function declaredLength(header: string | null, max: number): number {
  if (header === null) {
    throw new S3Error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
  }
  if (!/^\d{1,16}$/.test(header)) {
    throw new S3Error(400, "InvalidArgument", "Content-Length must be a whole number of bytes.");
  }
  const length = Number(header);
  if (length > max) {
    throw new S3Error(400, "EntityTooLarge", `Your proposed upload exceeds the maximum allowed size of ${max} bytes.`);
  }
  return length;
}

/** Why R2 refused the body: our length check first, then the digests R2 compared. */
function refusal(fault: "short" | "long" | undefined, error: unknown, length: number): unknown {
  if (fault === "short") {
    return new S3Error(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
  }
  if (fault === "long") {
    return new S3Error(400, "InvalidRequest", `The request body is longer than the ${length} bytes its Content-Length declares.`);
  }
  const message = error instanceof Error ? error.message : "";
  if (/sha-?256/i.test(message)) {
    return new S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  if (/md5/i.test(message)) {
    return new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  return error;
}

function md5Bytes(header: string): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = Uint8Array.from(atob(header), (char) => char.charCodeAt(0));
  } catch {
    bytes = undefined;
  }
  if (bytes?.byteLength !== 16) {
    throw new S3Error(400, "InvalidDigest", "The Content-MD5 you specified is not valid.");
  }
  return bytes;
}

function httpMetadataOf(headers: Headers): R2HTTPMetadata {
  const metadata: R2HTTPMetadata = {};
  for (const [header, field] of STORED_HTTP_HEADERS) {
    const value = headers.get(header);
    if (value !== null) metadata[field] = value;
  }
  const expires = headers.get("expires");
  const expiresAt = expires === null ? NaN : Date.parse(expires);
  if (!Number.isNaN(expiresAt)) metadata.cacheExpiry = new Date(expiresAt);
  return metadata;
}

function customMetadataOf(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
  });
  return metadata;
}
