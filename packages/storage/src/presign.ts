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
  headers: { "content-type": string; "content-length": string; "if-none-match": "*" };
}

export interface PresignPutInput {
  key: string;
  contentType: string;
  contentLength: number;
  expiresInSeconds: number;
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
 * racing PUTs only one is stored.
 *
 * @example
 * const put = await presignPut(storage, { key, contentType: "image/png", contentLength: 1024, expiresInSeconds: 600 });
 * await fetch(put.url, { method: "PUT", headers: put.headers, body });
 */
export async function presignPut(storage: Storage, input: PresignPutInput): Promise<SignedPut> {
  const signingDate = input.now ?? new Date();
  const command = new PutObjectCommand({
    Bucket: storage.bucket,
    Key: input.key,
    ContentType: input.contentType,
    ContentLength: input.contentLength,
    IfNoneMatch: "*",
  });
  const signed = new Set(["content-type", "content-length", "if-none-match"]);
  const url = await getSignedUrl(storage.client, command, {
    expiresIn: input.expiresInSeconds,
    signingDate,
    // Keep them as signed headers rather than hoisting them into the query string.
    signableHeaders: signed,
    unhoistableHeaders: signed,
  });
  return {
    url,
    expiresAt: new Date(signingDate.getTime() + input.expiresInSeconds * 1000),
    headers: {
      "content-type": input.contentType,
      "content-length": String(input.contentLength),
      "if-none-match": "*",
    },
  };
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
