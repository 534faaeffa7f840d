import { EMPTY_SHA256, UNSIGNED_PAYLOAD } from "../authenticate";
import { checkedBody, type BodyFault, type ExpectedBody } from "../body-check";
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
 * PutObject: stores the body only if it is exactly as long as declared and, when the client
 * signed a payload hash or sent x-amz-checksum-sha256 or Content-MD5, has those digests; then
 * emits R2's PutObject notification.
 */
export async function putObject(op: ObjectRequest): Promise<Response> {
  const { request, key, config } = op;
  const length = declaredLength(request.headers.get("content-length"), config.maxObjectBytes);

  const expected: ExpectedBody = { length };
  if (op.auth.payloadHash !== UNSIGNED_PAYLOAD) expected.sha256 = op.auth.payloadHash;
  const checksum = request.headers.get("x-amz-checksum-sha256");
  if (checksum !== null) expected.checksumSha256 = checksumSha256Bytes(checksum);
  const md5 = request.headers.get("content-md5");
  if (md5 !== null) expected.md5 = md5Bytes(md5);

  const options: R2PutOptions = {
    httpMetadata: httpMetadataOf(request.headers),
    customMetadata: customMetadataOf(request.headers),
  };
  const onlyIf = writeConditions(request.headers);
  if (onlyIf) options.onlyIf = onlyIf;

  let object: R2Object | null;
  if (length === 0) {
    await checkEmptyBody(request.body, expected);
    object = await op.env.BUCKET.put(key, "", options);
  } else {
    const body = checkedBody(request.body, expected);
    try {
      object = await op.env.BUCKET.put(key, body.readable, options);
    } catch (error) {
      const fault = await body.fault();
      if (fault) throw refusal(fault, length);
      throw error;
    }
  }
  // R2 checks the conditions and writes in one step, so of two racing writes with
  // If-None-Match: * exactly one stores; the other lands here and nothing is notified.
  if (object === null) {
    throw new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.");
  }

  await notify(op.env.EVENTS, { action: "PutObject", key, size: object.size, eTag: object.etag }, config, op.now, op.log);
  return new Response(null, { status: 200, headers: { etag: object.httpEtag } });
}

const CONDITIONAL_HEADERS = ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since"];

/**
 * The request's conditional headers, which R2 honours on PutObject (`If-None-Match: *` writes
 * only when the key is free), as the binding's `onlyIf`; undefined when there are none.
 */
function writeConditions(headers: Headers): Headers | undefined {
  const conditions = new Headers();
  for (const name of CONDITIONAL_HEADERS) {
    const value = headers.get(name);
    if (value !== null) conditions.set(name, value);
  }
  return [...conditions.keys()].length > 0 ? conditions : undefined;
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

const EMPTY_MD5 = "1B2M2Y8AsgTpgAmY7PhCfg==";
const EMPTY_SHA256_BASE64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/**
 * An empty object is stored from an empty string, so its checks come first: a zero-length
 * stream gives R2 nothing to wait for, and a late error could not stop the put.
 */
async function checkEmptyBody(body: ReadableStream<Uint8Array> | null, expected: ExpectedBody): Promise<void> {
  if (body) {
    const reader = body.getReader();
    const { done, value } = await reader.read();
    await reader.cancel();
    if (!done && value.byteLength > 0) throw refusal("long", 0);
  }
  if (expected.sha256 !== undefined && expected.sha256 !== EMPTY_SHA256) throw refusal("sha256", 0);
  if (expected.checksumSha256 !== undefined && toBase64(expected.checksumSha256) !== EMPTY_SHA256_BASE64) {
    throw refusal("checksum-sha256", 0);
  }
  if (expected.md5 !== undefined && toBase64(expected.md5) !== EMPTY_MD5) throw refusal("md5", 0);
}

function refusal(fault: BodyFault, length: number): S3Error {
  switch (fault) {
    case "short":
      return new S3Error(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    case "long":
      return new S3Error(400, "InvalidRequest", `The request body is longer than the ${length} bytes its Content-Length declares.`);
    case "sha256":
      return new S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
    case "checksum-sha256":
      return new S3Error(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
    case "md5":
      return new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
}

/** The digest an x-amz-checksum-sha256 header carries: base64 of exactly 32 bytes, as S3 requires. */
function checksumSha256Bytes(header: string): Uint8Array {
  const bytes = base64Bytes(header);
  if (bytes?.byteLength !== 32) {
    throw new S3Error(400, "InvalidRequest", "Value for x-amz-checksum-sha256 header is invalid.");
  }
  return bytes;
}

function md5Bytes(header: string): Uint8Array {
  const bytes = base64Bytes(header);
  if (bytes?.byteLength !== 16) {
    throw new S3Error(400, "InvalidDigest", "The Content-MD5 you specified is not valid.");
  }
  return bytes;
}

function base64Bytes(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
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
