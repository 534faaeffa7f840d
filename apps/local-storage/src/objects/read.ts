import { S3Error } from "../s3-error";
import { queryValue } from "../sigv4/claim";
import type { ObjectRequest } from "./context";
import { evaluatePreconditions } from "./preconditions";
import { readRange, type ByteRange } from "./range";

/** Query parameters that override a GET or HEAD's response headers, and the header each sets. */
const RESPONSE_OVERRIDES = [
  ["response-content-type", "content-type"],
  ["response-content-language", "content-language"],
  ["response-expires", "expires"],
  ["response-cache-control", "cache-control"],
  ["response-content-disposition", "content-disposition"],
  ["response-content-encoding", "content-encoding"],
] as const;

export const noSuchKey = () => new S3Error(404, "NoSuchKey", "The specified key does not exist.");

/**
 * GetObject and HeadObject: the object's headers (ETag, Content-Length, Last-Modified, its
 * stored HTTP metadata, then any `response-*` overrides the signed URL asks for), honouring
 * conditional headers and a single `Range`.
 */
export async function readObject(op: ObjectRequest, withBody: boolean): Promise<Response> {
  const { request, key } = op;
  const head = await op.env.BUCKET.head(key);
  if (!head) throw noSuchKey();

  const precondition = evaluatePreconditions(request.headers, head);
  if (precondition === "failed") {
    throw new S3Error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.");
  }
  if (precondition === "not-modified") {
    return new Response(null, {
      status: 304,
      headers: { etag: head.httpEtag, "last-modified": head.uploaded.toUTCString() },
    });
  }

  const range = readRange(request.headers.get("range"), head.size);
  if (range === "unsatisfiable") {
    throw new S3Error(416, "InvalidRange", "The requested range is not satisfiable.", {
      "content-range": `bytes */${head.size}`,
    });
  }

  const headers = objectHeaders(head, range, op.received.query);
  const status = range ? 206 : 200;
  if (!withBody) return new Response(null, { status, headers });

  // Read the very version the headers describe; a concurrent overwrite must not mix two objects.
  const object = await op.env.BUCKET.get(key, { onlyIf: { etagMatches: head.etag }, ...(range ? { range } : {}) });
  if (!object) throw noSuchKey();
  if (!("body" in object)) {
    throw new S3Error(409, "OperationAborted", "The object changed while it was being read; try again.");
  }
  return new Response(object.body, { status, headers });
}

function objectHeaders(head: R2Object, range: ByteRange | undefined, query: ObjectRequest["received"]["query"]): Headers {
  const headers = new Headers();
  head.writeHttpMetadata(headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
  headers.set("etag", head.httpEtag);
  headers.set("last-modified", head.uploaded.toUTCString());
  headers.set("accept-ranges", "bytes");
  headers.set("content-length", String(range ? range.length : head.size));
  if (range) headers.set("content-range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
  for (const [name, value] of Object.entries(head.customMetadata ?? {})) headers.set(`x-amz-meta-${name}`, value);

  for (const [parameter, header] of RESPONSE_OVERRIDES) {
    const value = queryValue(query, parameter);
    if (value === undefined) continue;
    if (/[\r\n\0]/.test(value)) {
      throw new S3Error(400, "InvalidArgument", `${parameter} holds characters a header cannot carry.`);
    }
    headers.set(header, value);
  }
  return headers;
}
