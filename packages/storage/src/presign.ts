import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { attachmentDisposition } from "./disposition";
import type { Storage } from "./storage";

/** A presigned request: the URL to call and when it stops working. */
export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

/** A presigned PUT and the headers the client must send exactly as given. */
export interface SignedPut extends SignedUrl {
  headers: {
    "content-type": string;
    "content-length": string;
    "if-none-match": "*";
    "x-amz-checksum-sha256"?: string;
  };
}

export interface PresignPutInput {
  key: string;
  contentType: string;
  contentLength: number;
  expiresInSeconds: number;
  /** The body's SHA-256 as 64 hex digits; when given, storage refuses a body with another. */
  sha256?: string | undefined;
  /** The signing time; defaults to now. */
  now?: Date;
}

export interface PresignGetInput {
  key: string;
  expiresInSeconds: number;
  /** The name the browser saves the file as; the response is always an attachment. */
  filename: string;
  /** The content type the response carries, overriding whatever the object was stored with. */
  contentType: string;
  now?: Date;
}

/**
 * Presigns a PUT whose content type and length are part of the signature, so storage refuses
 * a body of another size or type than the one the intent declared. It also signs
 * `If-None-Match: *`: the URL can create the object once but never overwrite it, so replaying
 * it (it stays valid for minutes) cannot replace a file after it was checked, and of two
 * racing PUTs only one is stored. With `sha256` it signs `x-amz-checksum-sha256` too, S3's
 * additional checksum, which storage checks against the body it receives (400 BadDigest).
 *
 * @example
 * const put = await presignPut(storage, { key, contentType: "image/png", contentLength: 1024, expiresInSeconds: 600 });
 * await fetch(put.url, { method: "PUT", headers: put.headers, body });
 */
export async function presignPut(storage: Storage, input: PresignPutInput): Promise<SignedPut> {
  const signingDate = input.now ?? new Date();
  const checksum = input.sha256 === undefined ? undefined : hexToBase64(input.sha256);
  const command = new PutObjectCommand({
    Bucket: storage.bucket,
    Key: input.key,
    ContentType: input.contentType,
    ContentLength: input.contentLength,
    IfNoneMatch: "*",
    ...(checksum === undefined ? {} : { ChecksumSHA256: checksum }),
  });
  const signed = new Set(["content-type", "content-length", "if-none-match", "x-amz-checksum-sha256"]);
  const url = await getSignedUrl(storage.client, command, {
    expiresIn: input.expiresInSeconds,
    signingDate,
    // Keep them as signed headers rather than hoisting them into the query string: the
    // presigner would otherwise move x-amz-checksum-sha256 into the URL, where storage treats
    // it as a parameter rather than the checksum to verify the body against.
    signableHeaders: signed,
    unhoistableHeaders: signed,
  });

  const headers: SignedPut["headers"] = {
    "content-type": input.contentType,
    "content-length": String(input.contentLength),
    "if-none-match": "*",
  };
  if (checksum !== undefined) headers["x-amz-checksum-sha256"] = checksum;
  return { url, expiresAt: new Date(signingDate.getTime() + input.expiresInSeconds * 1000), headers };
}

/** S3 carries checksums as base64 of the digest's bytes, not as hex. */
function hexToBase64(hex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError("sha256 must be 64 hexadecimal digits.");
  const bytes = Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Presigns a GET that downloads as an attachment with the given content type, whatever the
 * object was stored with, so user content is never rendered inline by a browser.
 *
 * @example
 * const link = await presignGet(storage, { key, filename: "photo.png", contentType: "image/png", expiresInSeconds: 300 });
 */
export async function presignGet(storage: Storage, input: PresignGetInput): Promise<SignedUrl> {
  const signingDate = input.now ?? new Date();
  const command = new GetObjectCommand({
    Bucket: storage.bucket,
    Key: input.key,
    ResponseContentDisposition: attachmentDisposition(input.filename),
    ResponseContentType: input.contentType,
  });
  const url = await getSignedUrl(storage.client, command, {
    expiresIn: input.expiresInSeconds,
    signingDate,
  });
  return { url, expiresAt: new Date(signingDate.getTime() + input.expiresInSeconds * 1000) };
}
