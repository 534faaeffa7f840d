import { S3Error } from "../s3-error";

export const ALGORITHM = "AWS4-HMAC-SHA256";
/** S3 limits a presigned URL's lifetime to one week. */
export const MAX_EXPIRES_SECONDS = 604_800;

/** What a request says about its own signature, read from its query or Authorization header. */
export interface SignatureClaim {
  mode: "query" | "header";
  accessKeyId: string;
  scope: { date: string; region: string; service: string };
  /** Lower-case names, in the order the request lists them. */
  signedHeaders: string[];
  signature: string;
  /** The signing time as SigV4 writes it: `20150830T123600Z`. */
  amzDate: string;
  signingDate: Date;
  /** Query signing only: seconds the URL stays valid after `signingDate`. */
  expiresIn?: number;
}

/** The parts of a request a signature covers, as received. */
export interface ReceivedRequest {
  method: string;
  /** The path as received, still percent-encoded. */
  path: string;
  /** Decoded query parameters, repeated keys as lists. */
  query: Record<string, string | string[]>;
  /** Lower-case header names; repeated headers already joined. */
  headers: Record<string, string>;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Reads the signature claim of a SigV4 request, or undefined for an unsigned one. Only shape
 * is checked here; whether the claim is true (key, time, signature) is the verifier's job.
 */
export function readClaim(request: ReceivedRequest): SignatureClaim | undefined {
  const authorization = request.headers["authorization"];
  const inQuery = queryValue(request.query, "X-Amz-Algorithm") !== undefined ||
    queryValue(request.query, "X-Amz-Signature") !== undefined;

  if (authorization !== undefined && inQuery) {
    throw new S3Error(400, "InvalidArgument", "Only one auth mechanism allowed; send either a signed URL or an Authorization header.");
  }
  if (inQuery) return readQueryClaim(request.query);
  if (authorization !== undefined) return readHeaderClaim(authorization, request.headers);
  if (queryValue(request.query, "AWSAccessKeyId") !== undefined) {
    throw new S3Error(400, "InvalidArgument", "Signature Version 2 is not supported; sign with AWS4-HMAC-SHA256.");
  }
  return undefined;
}

function readQueryClaim(query: ReceivedRequest["query"]): SignatureClaim {
  const fail = (message: string) => new S3Error(400, "AuthorizationQueryParametersError", message);
  const param = (name: string) => {
    const value = queryValue(query, name);
    if (value === undefined) {
      throw fail(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, " +
          "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
    return value;
  };

  if (param("X-Amz-Algorithm") !== ALGORITHM) {
    throw fail(`X-Amz-Algorithm only supports "${ALGORITHM}".`);
  }
  const credential = readCredential(param("X-Amz-Credential"), fail);
  const amzDate = param("X-Amz-Date");
  const signingDate = parseAmzDate(amzDate, fail);
  checkScopeDate(credential.scope.date, amzDate, fail);

  const expiresText = param("X-Amz-Expires");
  const expiresIn = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
  if (!(expiresIn >= 1 && expiresIn <= MAX_EXPIRES_SECONDS)) {
    throw fail(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}.`);
  }

  return {
    mode: "query",
    ...credential,
    signedHeaders: readSignedHeaders(param("X-Amz-SignedHeaders"), fail),
    signature: readSignature(param("X-Amz-Signature")),
    amzDate,
    signingDate,
    expiresIn,
  };
}

function readHeaderClaim(authorization: string, headers: Record<string, string>): SignatureClaim {
  const fail = (message: string) =>
    new S3Error(400, "AuthorizationHeaderMalformed", `The authorization header is malformed; ${message}`);

  const space = authorization.indexOf(" ");
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new S3Error(400, "InvalidArgument", `Unsupported Authorization Type; sign with ${ALGORITHM}.`);
  }

  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(",")) {
    const at = part.indexOf("=");
    if (at < 0) throw fail(`"${part.trim()}" is not a key=value pair.`);
    fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const field = (name: string) => {
    const value = fields.get(name);
    if (value === undefined) throw fail(`it has no ${name}.`);
    return value;
  };

  const credential = readCredential(field("Credential"), fail);
  // S3 signs with x-amz-date when present, else with the HTTP Date header.
  const amzDate = headers["x-amz-date"] ?? fromHttpDate(headers["date"], fail);
  const signingDate = parseAmzDate(amzDate, fail);
  checkScopeDate(credential.scope.date, amzDate, fail);

  return {
    mode: "header",
    ...credential,
    signedHeaders: readSignedHeaders(field("SignedHeaders"), fail),
    signature: readSignature(field("Signature")),
    amzDate,
    signingDate,
  };
}

type Fail = (message: string) => S3Error;

function readCredential(text: string, fail: Fail) {
  const parts = text.split("/");
  // The access key id is everything before the four scope parts.
  if (parts.length < 5 || parts.at(-1) !== "aws4_request") {
    throw fail(`the credential "${text}" is not <key>/<date>/<region>/<service>/aws4_request.`);
  }
  const [date, region, service] = parts.slice(-4) as [string, string, string];
  const accessKeyId = parts.slice(0, -4).join("/");
  if (accessKeyId === "" || !/^\d{8}$/.test(date) || region === "" || service === "") {
    throw fail(`the credential "${text}" is not <key>/<date>/<region>/<service>/aws4_request.`);
  }
  return { accessKeyId, scope: { date, region, service } };
}

function readSignedHeaders(text: string, fail: Fail): string[] {
  const names = text.split(";").map((name) => name.trim().toLowerCase());
  if (names.some((name) => name === "")) throw fail("SignedHeaders has an empty header name.");
  if (!names.includes("host")) throw fail("SignedHeaders must include host.");
  return names;
}

/** A malformed signature can only be a wrong one; S3 says so rather than "malformed". */
function readSignature(text: string): string {
  return SIGNATURE.test(text) ? text : "";
}

function parseAmzDate(text: string, fail: Fail): Date {
  const match = AMZ_DATE.exec(text);
  if (!match) throw fail(`"${text}" is not an ISO 8601 basic date such as 20130524T000000Z.`);
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== day) {
    throw fail(`"${text}" is not a valid date.`);
  }
  return date;
}

function fromHttpDate(text: string | undefined, fail: Fail): string {
  const millis = text === undefined ? NaN : Date.parse(text);
  if (Number.isNaN(millis)) throw fail("it needs an x-amz-date or Date header.");
  return new Date(millis).toISOString().replace(/[-:]|\.\d{3}/g, "");
}

function checkScopeDate(scopeDate: string, amzDate: string, fail: Fail): void {
  if (amzDate.slice(0, 8) !== scopeDate) {
    throw fail(`the credential date ${scopeDate} is not the date of the request, ${amzDate}.`);
  }
}

/** A query parameter's single value; a repeated auth parameter counts as absent. */
export function queryValue(query: ReceivedRequest["query"], name: string): string | undefined {
  const value = query[name];
  return typeof value === "string" ? value : undefined;
}
