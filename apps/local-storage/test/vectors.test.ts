import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import type { HeaderBag } from "@smithy/types";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticate, checkTime } from "../src/authenticate";
import type { StorageConfig } from "../src/config";
import { canonicalUri, parseRawQuery } from "../src/sigv4/canonical-uri";
import { readClaim, type ReceivedRequest } from "../src/sigv4/claim";
import { canonicalRequestOf, signatureMatches } from "../src/sigv4/verify";
import { flipOne, headerRecord, parseRawRequest, receivedFrom, sha256Hex, type RawRequest } from "./vectors/raw-request";
import type { SuiteCase } from "./vectors/types";

const { suite, presignedGet, putHeaderAuth } = env.SIGV4_VECTORS;

/** The SDK's signer, remembering the canonical request and string to sign it produced. */
class RecordingSigner extends SignatureV4 {
  canonical = "";
  stringToSign = "";

  protected override createCanonicalRequest(...args: Parameters<SignatureV4["createCanonicalRequest"]>): string {
    this.canonical = super.createCanonicalRequest(...args);
    return this.canonical;
  }

  protected override async createStringToSign(...args: Parameters<SignatureV4["createStringToSign"]>): Promise<string> {
    this.stringToSign = await super.createStringToSign(...args);
    return this.stringToSign;
  }
}

function signerFor(vector: SuiteCase): RecordingSigner {
  const { credentials, region, service, normalize, sign_body, omit_session_token } = vector.context;
  return new RecordingSigner({
    credentials: {
      accessKeyId: credentials.access_key_id,
      secretAccessKey: credentials.secret_access_key,
      // "omit" cases add the token after signing, so the signer must not see it.
      ...(credentials.token && !omit_session_token ? { sessionToken: credentials.token } : {}),
    },
    region,
    service,
    sha256: Sha256,
    // Generic services normalize and double-encode; S3 (normalize: false) signs the path as sent.
    uriEscapePath: normalize,
    applyChecksum: sign_body,
  });
}

/** The request as the SDK's callers hand it over: S3 clients pass the path already encoded once. */
function sdkRequest(raw: RawRequest, normalize: boolean): HttpRequest {
  const headers: HeaderBag = headerRecord(raw);
  return new HttpRequest({
    method: raw.method,
    protocol: "https:",
    hostname: headers["host"] ?? "",
    path: normalize ? raw.path : canonicalUri(raw.path),
    query: parseRawQuery(raw.rawQuery),
    headers,
    ...(raw.body === "" ? {} : { body: raw.body }),
  });
}

const signingDate = (vector: SuiteCase) => new Date(vector.context.timestamp);

describe("the SDK's signer reproduces the aws-c-auth SigV4 suite", () => {
  it("has the suite's cases", () => {
    expect(suite.length).toBe(38);
  });

  for (const vector of suite) {
    it(`${vector.name}: header signing`, async () => {
      const signer = signerFor(vector);
      const signed = await signer.sign(sdkRequest(parseRawRequest(vector.request), vector.context.normalize), {
        signingDate: signingDate(vector),
      });

      expect(signer.canonical).toBe(vector.header.canonicalRequest);
      expect(signer.stringToSign).toBe(vector.header.stringToSign);
      expect(signed.headers["authorization"]).toMatch(new RegExp(`Signature=${vector.header.signature}$`));
    });

    it(`${vector.name}: query signing`, async () => {
      const signer = signerFor(vector);
      const presigned = await signer.presign(sdkRequest(parseRawRequest(vector.request), vector.context.normalize), {
        signingDate: signingDate(vector),
        expiresIn: vector.context.expiration_in_seconds,
      });

      expect(signer.canonical).toBe(vector.query.canonicalRequest);
      expect(signer.stringToSign).toBe(vector.query.stringToSign);
      expect(presigned.query?.["X-Amz-Signature"]).toBe(vector.query.signature);
    });
  }
});

/**
 * Generic services normalize `.`, `..` and `//` before signing; S3 signs the path as sent, so
 * an S3 verifier must refuse these signatures over a path the request did not carry.
 */
const NORMALIZED_PATH_CASES = new Set([
  "get-relative-normalized",
  "get-relative-relative-normalized",
  "get-slash-dot-slash-normalized",
  "get-slash-normalized",
  "get-slash-pointless-dot-normalized",
  "get-slashes-normalized",
]);

describe("the verifier checks the aws-c-auth SigV4 suite's signed requests", () => {
  for (const vector of suite) {
    for (const mode of ["header", "query"] as const) {
      const expectation = verdictFor(vector, mode);

      it(`${vector.name}: ${mode} ${expectation}`, async () => {
        const raw = parseRawRequest(vector[mode].signedRequest);
        const received = receivedFrom(raw);
        const secret = vector.context.credentials.secret_access_key;
        // The generic suite hashes the body (empty when there is none); only S3 says UNSIGNED-PAYLOAD.
        const payloadHash = received.headers["x-amz-content-sha256"] ?? (await sha256Hex(raw.body));
        const claim = readClaim(received);
        if (!claim) throw new Error("the signed request carries no signature");

        expect(await signatureMatches(received, claim, secret, payloadHash)).toBe(expectation === "accepted");
        if (expectation !== "accepted") return;
        expect(canonicalRequestOf(received, claim, payloadHash)).toBe(vector[mode].canonicalRequest);

        // Within its time window by the injected clock, outside it a second after expiry.
        const signedAt = new Date(vector.context.timestamp).getTime();
        expect(() => checkTime(claim, new Date(signedAt + 60_000))).not.toThrow();
        if (mode === "query") {
          const after = new Date(signedAt + (vector.context.expiration_in_seconds + 1) * 1000);
          expect(() => checkTime(claim, after)).toThrow("Request has expired");
        }

        for (const tampered of tamperings(received)) {
          const tamperedClaim = readClaim(tampered.request) ?? claim;
          const matches = await signatureMatches(tampered.request, tamperedClaim, secret, payloadHash);
          expect(matches, `${tampered.what} changed`).toBe(false);
        }
      });
    }
  }
});

function verdictFor(vector: SuiteCase, mode: "header" | "query"): "accepted" | "refused" {
  if (NORMALIZED_PATH_CASES.has(vector.name)) return "refused";
  // The token appended after signing is an unsigned query parameter; a verifier signs the whole query.
  if (vector.name === "post-sts-header-after" && mode === "query") return "refused";
  return "accepted";
}

/** The request with one byte changed in its method, path, a signed header (host) or signature. */
function tamperings(request: ReceivedRequest): { what: string; request: ReceivedRequest }[] {
  const withHeaders = (headers: Record<string, string>) => ({ ...request, headers: { ...request.headers, ...headers } });
  const host = request.headers["host"] ?? "";
  const changes = [
    { what: "method", request: { ...request, method: flipOne(request.method) } },
    { what: "path", request: { ...request, path: flipOne(request.path) } },
    { what: "host", request: withHeaders({ host: flipOne(host) }) },
  ];
  const authorization = request.headers["authorization"];
  if (authorization) {
    changes.push({ what: "signature", request: withHeaders({ authorization: flipOne(authorization) }) });
  } else {
    const signature = request.query["X-Amz-Signature"] as string;
    changes.push({ what: "signature", request: { ...request, query: { ...request.query, "X-Amz-Signature": flipOne(signature) } } });
  }
  return changes;
}

/** S3's documentation examples, checked end to end by the S3 verifier (service s3, region us-east-1). */
describe("S3's documented examples", () => {
  const docs = presignedGet.context;
  const config: StorageConfig = {
    bucket: "examplebucket",
    regions: ["auto", "us-east-1"],
    accountId: "test",
    maxObjectBytes: 1024,
    credentials: { accessKeyId: docs.access_key_id, secretAccessKey: docs.secret_access_key },
  };
  const signedAt = new Date(docs.timestamp);

  it("presigned GET: the SDK's presigner makes S3's signature", async () => {
    const signer = new RecordingSigner({
      credentials: { accessKeyId: docs.access_key_id, secretAccessKey: docs.secret_access_key },
      region: docs.region,
      service: docs.service,
      sha256: Sha256,
      uriEscapePath: false,
    });
    // The presigner's trap: an x-amz-content-sha256 header would be hoisted into the query.
    // Kept as a header that is neither hoisted nor signed, it only sets the payload hash.
    const presigned = await signer.presign(
      new HttpRequest({
        method: "GET",
        protocol: "https:",
        hostname: "examplebucket.s3.amazonaws.com",
        path: "/test.txt",
        headers: { host: "examplebucket.s3.amazonaws.com", "x-amz-content-sha256": docs.payload },
      }),
      {
        signingDate: signedAt,
        expiresIn: docs.expires,
        unhoistableHeaders: new Set(["x-amz-content-sha256"]),
        unsignableHeaders: new Set(["x-amz-content-sha256"]),
      },
    );
    expect(signer.canonical).toBe(presignedGet.canonicalRequest);
    expect(signer.stringToSign).toBe(presignedGet.stringToSign);
    expect(presigned.query?.["X-Amz-Signature"]).toBe(presignedGet.signature);
  });

  it("presigned GET: the verifier accepts it within 86400 s and refuses it after", async () => {
    const url = new URL(presignedGet.signedUrl);
    const received: ReceivedRequest = {
      method: "GET",
      path: url.pathname,
      query: parseRawQuery(url.search),
      headers: { host: url.host },
    };
    const auth = await authenticate(received, config, new Date(signedAt.getTime() + 86_399_000));
    expect(auth.payloadHash).toBe("UNSIGNED-PAYLOAD");
    expect(canonicalRequestOf(received, auth.claim, auth.payloadHash)).toBe(presignedGet.canonicalRequest);

    await expect(authenticate(received, config, new Date(signedAt.getTime() + 86_401_000))).rejects.toMatchObject({
      code: "AccessDenied",
      message: "Request has expired",
    });
    const tampered = { ...received, path: "/test.txu" };
    await expect(authenticate(tampered, config, signedAt)).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
  });

  it("header-signed PUT (key test$file.text, a signed Date header): the verifier accepts it", async () => {
    const bodyHash = await sha256Hex(putHeaderAuth.body);
    const received: ReceivedRequest = {
      method: "PUT",
      // As a client may send it: `$` unescaped; S3's canonical URI escapes it once.
      path: "/test$file.text",
      query: {},
      headers: {
        host: "examplebucket.s3.amazonaws.com",
        date: "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-date": "20130524T000000Z",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": bodyHash,
        authorization:
          `AWS4-HMAC-SHA256 Credential=${docs.access_key_id}/20130524/us-east-1/s3/aws4_request,` +
          `SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=${putHeaderAuth.signature}`,
      },
    };

    const auth = await authenticate(received, config, new Date(signedAt.getTime() + 60_000));
    // The signed payload hash is the body's: the endpoint holds the body to it when storing.
    expect(auth.payloadHash).toBe(bodyHash);
    expect(canonicalRequestOf(received, auth.claim, auth.payloadHash)).toBe(putHeaderAuth.canonicalRequest);

    const changedClass = { ...received, headers: { ...received.headers, "x-amz-storage-class": "STANDARD" } };
    await expect(authenticate(changedClass, config, signedAt)).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
    await expect(authenticate(received, config, new Date(signedAt.getTime() + 16 * 60_000))).rejects.toMatchObject({
      code: "RequestTimeTooSkewed",
    });
  });
});
