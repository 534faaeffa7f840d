/**
 * An S3 API error: rendered as S3's XML error document with its HTTP status. Codes and
 * messages follow S3's own so that SDKs map them (a 403 SignatureDoesNotMatch, a 404 NoSuchKey).
 */
export class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "S3Error";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const accessDenied = (message = "Access Denied.") => new S3Error(403, "AccessDenied", message);

export const signatureDoesNotMatch = () =>
  new S3Error(
    403,
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. " +
      "Check your secret access key and signing method.",
  );

export const notImplemented = (what: string) =>
  new S3Error(501, "NotImplemented", `${what} is not implemented by the local storage endpoint.`);

/** The XML body S3 answers errors with; `resource` is the request path, never its query. */
export function renderS3Error(
  error: S3Error,
  resource: string,
  requestId: string,
  method: string,
): Response {
  const headers = new Headers(error.headers);
  headers.set("x-amz-request-id", requestId);
  // S3 answers HEAD errors with the status alone; there is nowhere to put a body.
  if (method === "HEAD") return new Response(null, { status: error.status, headers });

  headers.set("content-type", "application/xml");
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message>` +
    `<Resource>${xml(resource)}</Resource><RequestId>${xml(requestId)}</RequestId></Error>`;
  return new Response(body, { status: error.status, headers });
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
