import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/core/protocols";
import { ALGORITHM_IDENTIFIER, SignatureV4, getCanonicalHeaders } from "@smithy/signature-v4";
import type { HeaderBag } from "@smithy/types";
import { canonicalUri } from "./canonical-uri";
import type { ReceivedRequest, SignatureClaim } from "./claim";

/**
 * The AWS SDK's own signer, asked for the signature of a request exactly as it was received.
 *
 * Presigning or signing the request again would let the SDK decide what to sign: it drops a
 * signed `date` header, hoists `x-amz-*` headers into the query and adds its own auth
 * parameters. Here the claim decides: only the headers it lists, the query as received (less
 * the signature) and the payload hash the caller settled on go into the SDK's canonical
 * request, string to sign and signing-key derivation.
 */
class ReceivedRequestSigner extends SignatureV4 {
  constructor(accessKeyId: string, secretAccessKey: string, claim: SignatureClaim) {
    super({
      credentials: { accessKeyId, secretAccessKey },
      region: claim.scope.region,
      service: claim.scope.service,
      sha256: Sha256,
      // The path handed over is already S3's canonical URI: encode once, never normalize.
      uriEscapePath: false,
    });
  }

  /** The canonical request for what was received, or undefined when a signed header is absent. */
  canonicalRequest(request: ReceivedRequest, claim: SignatureClaim, payloadHash: string) {
    const headers: HeaderBag = {};
    for (const name of claim.signedHeaders) {
      const value = request.headers[name];
      if (value === undefined) return undefined;
      headers[name] = value;
    }
    const query = { ...request.query };
    delete query["X-Amz-Signature"];

    const httpRequest = new HttpRequest({ method: request.method, path: canonicalUri(request.path), query, headers });
    const canonicalHeaders = getCanonicalHeaders(httpRequest, undefined, new Set(claim.signedHeaders));
    return this.createCanonicalRequest(httpRequest, canonicalHeaders, payloadHash);
  }

  async signatureOf(canonicalRequest: string, claim: SignatureClaim): Promise<string> {
    const { date, region, service } = claim.scope;
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = await this.createStringToSign(claim.amzDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    return this.sign(stringToSign, { signingDate: claim.signingDate, signingRegion: region, signingService: service });
  }
}

/**
 * Whether `claim.signature` is the signature of `request` under the given secret. The caller
 * has already checked the key, scope and time; `payloadHash` is what the canonical request's
 * last line must say (`UNSIGNED-PAYLOAD` or the hex SHA-256 the client declared).
 */
export async function signatureMatches(
  request: ReceivedRequest,
  claim: SignatureClaim,
  secretAccessKey: string,
  payloadHash: string,
): Promise<boolean> {
  const signer = new ReceivedRequestSigner(claim.accessKeyId, secretAccessKey, claim);
  const canonical = signer.canonicalRequest(request, claim, payloadHash);
  if (canonical === undefined) return false;

  const expected = await signer.signatureOf(canonical, claim);
  return constantTimeEqual(expected, claim.signature);
}

/** The canonical request the verifier signs, for diagnosing a mismatch (never logged: it holds header values). */
export function canonicalRequestOf(request: ReceivedRequest, claim: SignatureClaim, payloadHash: string): string | undefined {
  return new ReceivedRequestSigner(claim.accessKeyId, "", claim).canonicalRequest(request, claim, payloadHash);
}

/** Compares two signatures without revealing, by timing, how much of a guess was right. */
export function constantTimeEqual(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  // Lengths are public (a SigV4 signature is always 64 hex digits); contents are not.
  if (left.byteLength !== right.byteLength) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}
