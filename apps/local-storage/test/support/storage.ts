import { GetObjectCommand, PutObjectCommand, S3Client, type GetObjectCommandInput } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { env } from "cloudflare:workers";
import { handleStorageRequest } from "../../src/handler";

/** The endpoint the upload signer presigns for; requests never leave the test's isolate. */
export const ENDPOINT = "http://127.0.0.1:8790";
export const BUCKET = "trove-uploads";
export const SIGNED_AT = new Date("2026-03-01T12:00:00Z");

/** A clock `seconds` after SIGNED_AT. */
export const after = (seconds: number) => () => new Date(SIGNED_AT.getTime() + seconds * 1000);

export const uniqueKey = (name = "file") => `u/test-user/${crypto.randomUUID()}/${name}`;

/** An S3 client configured as the upload signer configures its own. */
export function s3Client(credentials = { accessKeyId: env.R2_ACCESS_KEY_ID, secretAccessKey: env.R2_SECRET_ACCESS_KEY }) {
  return new S3Client({
    region: "auto",
    endpoint: ENDPOINT,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
}

/** A presigned PUT that signs the content type and length, as the upload API makes it. */
export function presignPut(
  key: string,
  contentType: string,
  contentLength: number,
  options: { expiresIn?: number; client?: S3Client; ifNoneMatch?: string; checksumSha256?: string } = {},
): Promise<string> {
  const command = new PutObjectCommand({
    Bucket: BUCKET,
    Key: key,
    ContentType: contentType,
    ContentLength: contentLength,
    ...(options.ifNoneMatch === undefined ? {} : { IfNoneMatch: options.ifNoneMatch }),
    ...(options.checksumSha256 === undefined ? {} : { ChecksumSHA256: options.checksumSha256 }),
  });
  return getSignedUrl(options.client ?? s3Client(), command, {
    expiresIn: options.expiresIn ?? 600,
    signingDate: SIGNED_AT,
    signableHeaders: new Set(["content-type", "content-length", "if-none-match", "x-amz-checksum-sha256"]),
    unhoistableHeaders: new Set(["if-none-match", "x-amz-checksum-sha256"]),
  });
}

/** The SHA-256 of `text` as S3's x-amz-checksum-sha256 carries it: base64 of the digest. */
export async function checksumSha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

export function presignGet(key: string, input: Partial<GetObjectCommandInput> = {}, bucket = BUCKET): Promise<string> {
  return getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: bucket, Key: key, ...input }), {
    expiresIn: 300,
    signingDate: SIGNED_AT,
  });
}

/** Sends a request to the endpoint with an injected clock (a minute after signing by default). */
export function send(request: Request, clock = after(60)): Promise<Response> {
  return handleStorageRequest(request, env, clock);
}

export function put(url: string, body: BodyInit | null, headers: Record<string, string>, clock = after(60)) {
  return send(new Request(url, { method: "PUT", headers, body }), clock);
}

/**
 * A body stream of unknown length, one chunk per string, so a test can declare a
 * Content-Length it does not keep and choose where the chunks break.
 */
export function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

/** The parts of S3's XML error document. */
export async function s3ErrorOf(response: Response) {
  const text = await response.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  return {
    contentType: response.headers.get("content-type"),
    code: field("Code"),
    message: field("Message"),
    resource: field("Resource"),
    requestId: field("RequestId"),
    text,
  };
}
