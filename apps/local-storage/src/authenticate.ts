import type { StorageConfig } from "./config";
import { S3Error, accessDenied, notImplemented, signatureDoesNotMatch } from "./s3-error";
import { queryValue, readClaim, type ReceivedRequest, type SignatureClaim } from "./sigv4/claim";
import { signatureMatches } from "./sigv4/verify";

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** How far a header-signed request's clock may be from ours, as S3 allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface Authenticated {
  claim: SignatureClaim;
  /** `UNSIGNED-PAYLOAD`, or the body's hex SHA-256 the client signed and the body must match. */
  payloadHash: string;
}

/**
 * Checks a request as R2 would: a SigV4 signature (URL or Authorization header) by our one
 * key pair, scoped to this region and `s3`, within its time window, covering every `x-amz-*`
 * header sent. Anything else is an S3 error; nothing here reads the body.
 */
export async function authenticate(
  request: ReceivedRequest,
  config: StorageConfig,
  now: Date,
): Promise<Authenticated> {
  const claim = readClaim(request);
  if (!claim) throw accessDenied("Anonymous access is not allowed; sign the request.");

  if (claim.accessKeyId !== config.credentials.accessKeyId) {
    throw new S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
  }
  checkScope(claim, config);
  if (queryValue(request.query, "X-Amz-Security-Token") !== undefined || "x-amz-security-token" in request.headers) {
    throw new S3Error(400, "InvalidToken", "Temporary credentials are not supported by the local storage endpoint.");
  }
  checkTime(claim, now);
  checkAmzHeadersSigned(request, claim);

  const payloadHash = readPayloadHash(request, claim);
  const valid = await signatureMatches(request, claim, config.credentials.secretAccessKey, payloadHash);
  if (!valid) throw signatureDoesNotMatch();
  return { claim, payloadHash };
}

function checkScope(claim: SignatureClaim, config: StorageConfig): void {
  const code = claim.mode === "query" ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed";
  const { region, service } = claim.scope;
  if (!config.regions.includes(region)) {
    throw new S3Error(400, code, `The region '${region}' is wrong; expecting '${config.regions[0]}'.`);
  }
  if (service !== "s3") {
    throw new S3Error(400, code, `The service '${service}' is wrong; expecting 's3'.`);
  }
}

export function checkTime(claim: SignatureClaim, now: Date): void {
  const signedAt = claim.signingDate.getTime();
  const at = now.getTime();

  if (claim.mode === "query") {
    if (at > signedAt + (claim.expiresIn ?? 0) * 1000) throw accessDenied("Request has expired");
    if (at < signedAt - MAX_SKEW_MS) throw accessDenied("Request is not valid yet");
    return;
  }
  if (Math.abs(at - signedAt) > MAX_SKEW_MS) {
    throw new S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
  }
}

/** S3 refuses `x-amz-*` headers the signature does not cover: they could change the request's meaning. */
function checkAmzHeadersSigned(request: ReceivedRequest, claim: SignatureClaim): void {
  const unsigned = Object.keys(request.headers).filter(
    (name) => name.startsWith("x-amz-") && !claim.signedHeaders.includes(name),
  );
  if (unsigned.length > 0) {
    throw accessDenied(`There were headers present in the request which were not signed: ${unsigned.join(", ")}`);
  }
}

/**
 * The payload hash the signature was made over. A presigned URL signs `UNSIGNED-PAYLOAD`
 * unless its query names a hash; a header-signed request must say in x-amz-content-sha256.
 */
function readPayloadHash(request: ReceivedRequest, claim: SignatureClaim): string {
  const declared =
    claim.mode === "query"
      ? (queryValue(request.query, "X-Amz-Content-Sha256") ?? UNSIGNED_PAYLOAD)
      : request.headers["x-amz-content-sha256"];

  if (declared === undefined) {
    throw new S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  if (declared === UNSIGNED_PAYLOAD || SHA256_HEX.test(declared)) return declared;
  if (declared.startsWith("STREAMING-")) throw notImplemented(`Chunked uploads (${declared})`);
  throw new S3Error(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256 of the body.");
}
