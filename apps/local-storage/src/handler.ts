import { createLogger, describeError, requestIdOf, type Logger } from "@trove/http";
import { EMPTY_SHA256, UNSIGNED_PAYLOAD, authenticate } from "./authenticate";
import { ConfigError, readConfig } from "./config";
import { applyCors, bucketCorsPolicy, preflight } from "./cors";
import type { ObjectRequest } from "./objects/context";
import { deleteObject } from "./objects/delete";
import { putObject } from "./objects/put";
import { readObject } from "./objects/read";
import { S3Error, notImplemented, renderS3Error } from "./s3-error";
import { InvalidUriError, parseRawQuery } from "./sigv4/canonical-uri";
import type { ReceivedRequest } from "./sigv4/claim";
import { readTarget, unsupportedSubresource, type Target } from "./target";

/** Where the endpoint reads the time; tests pass a fixed one to check expiry and skew. */
export type Clock = () => Date;

const baseLog = createLogger({ worker: "local-storage" });

/**
 * Serves one request as R2's S3 API would for the local bucket, answering errors as S3's XML
 * documents, adding the bucket's CORS headers and writing one access-log line.
 */
export async function handleStorageRequest(request: Request, env: Env, clock: Clock): Promise<Response> {
  const started = Date.now();
  const requestId = requestIdOf(request);
  const log = baseLog.child({ requestId });
  const url = new URL(request.url);
  let resource = url.pathname;
  let response: Response;
  let errorCode: string | undefined;

  try {
    const target = readTarget(url.pathname);
    resource = target.resource;
    response = await dispatch(request, url, target, env, clock, log);
  } catch (error) {
    const s3Error = asS3Error(error);
    errorCode = s3Error.code;
    if (s3Error.status >= 500) log.error("request failed", describeError(error));
    response = renderS3Error(s3Error, resource, requestId, request.method);
  }

  const headers = new Headers(response.headers);
  headers.set("x-amz-request-id", requestId);
  headers.set("x-request-id", requestId);
  applyCors(request, headers, bucketCorsPolicy);
  const final = new Response(response.body, { status: response.status, headers });

  // The path only: the query holds the signature and credential.
  log.info("request", {
    method: request.method,
    path: url.pathname,
    status: final.status,
    code: errorCode,
    durationMs: Date.now() - started,
  });
  return final;
}

async function dispatch(
  request: Request,
  url: URL,
  target: Target,
  env: Env,
  clock: Clock,
  log: Logger,
): Promise<Response> {
  if (url.pathname === "/healthz" && request.method === "GET") {
    return Response.json({ ok: true, worker: "local-storage" });
  }
  const config = readConfig(env);

  if (request.method === "OPTIONS") {
    if (target.bucket !== undefined && target.bucket !== config.bucket) throw noSuchBucket();
    return preflight(request, bucketCorsPolicy);
  }

  const received = receivedRequest(request, url);
  const now = clock();
  const auth = await authenticate(received, config, now);

  if (target.bucket === undefined) throw notImplemented("ListBuckets");
  if (target.bucket !== config.bucket) throw noSuchBucket();
  if (target.key === undefined) {
    if (request.method === "HEAD") return new Response(null, { status: 200 });
    throw notImplemented("Bucket-level operations");
  }
  const subresource = unsupportedSubresource(received.query);
  if (subresource) throw notImplemented(`The ?${subresource} subresource`);

  // Only PUT carries a body; any other request that signed a payload hash signed an empty one.
  if (request.method !== "PUT" && auth.payloadHash !== UNSIGNED_PAYLOAD && auth.payloadHash !== EMPTY_SHA256) {
    throw new S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const op: ObjectRequest = { request, received, key: target.key, auth, config, env, now, log };
  switch (request.method) {
    case "GET":
      return readObject(op, true);
    case "HEAD":
      return readObject(op, false);
    case "PUT":
      return putObject(op);
    case "DELETE":
      return deleteObject(op);
    default:
      throw new S3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", {
        allow: "GET, HEAD, PUT, DELETE, OPTIONS",
      });
  }
}

/**
 * The signed parts of a request as received; a request built in-process may lack Host.
 * TODO: workerd joins a repeated header with ", " where SigV4 joins with ","; a client that
 * signs a header it sends twice is refused. Fixing it needs the raw header lines, which the
 * runtime does not expose. No SDK sends signed headers twice.
 */
function receivedRequest(request: Request, url: URL): ReceivedRequest {
  const headers: Record<string, string> = Object.create(null);
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers["host"] ??= url.host;
  return { method: request.method, path: url.pathname, query: parseRawQuery(url.search), headers };
}

const noSuchBucket = () => new S3Error(404, "NoSuchBucket", "The specified bucket does not exist.");

function asS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  if (error instanceof InvalidUriError) return new S3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
  if (error instanceof ConfigError) return new S3Error(500, "InternalError", "The local storage endpoint is misconfigured; see its log.");
  return new S3Error(500, "InternalError", "We encountered an internal error. Please try again.");
}
