import { StorageError, type StorageFailure } from "./errors";

/** What the client meant to send, so a refusal can be explained against it. */
export interface StorageRequestContext {
  method: "PUT" | "GET" | "HEAD";
  /** The content type and size the upload was signed for (PUT only). */
  signed?: { contentType?: string | undefined; size?: number | undefined } | undefined;
  /** The content type and size actually sent (PUT only). */
  sent?: { contentType?: string | undefined; size?: number | undefined } | undefined;
}

/** The parts of an S3 XML error body (`<Error><Code>…</Code><Message>…</Message></Error>`). */
export interface S3ErrorBody {
  code: string | undefined;
  message: string | undefined;
}

/** Reads an S3 XML error body with plain string matching: no DOMParser in Node or Workers. */
export function parseS3Error(text: string): S3ErrorBody {
  return { code: elementText(text, "Code"), message: elementText(text, "Message") };
}

/**
 * Turns a storage refusal into a StorageError whose message says what happened and what to do.
 * R2 names the fault in the XML `Code`; a changed type or length shows up as a signature
 * mismatch because the upload URL signs both, so the context is used to tell them apart.
 */
export function storageErrorFrom(
  status: number,
  bodyText: string,
  context: StorageRequestContext,
): StorageError {
  const { code, message } = parseS3Error(bodyText);
  const failure = classify(status, code, message, context);
  return new StorageError(explain(failure, context, message), {
    status,
    failure,
    storageCode: code,
    storageMessage: message,
  });
}

function classify(
  status: number,
  code: string | undefined,
  message: string | undefined,
  context: StorageRequestContext,
): StorageFailure {
  const text = `${code ?? ""} ${message ?? ""}`.toLowerCase();

  if (code === "EntityTooLarge" || status === 413) return "too_large";
  if (text.includes("expired") || code === "ExpiredToken") return "expired";
  if (code === "IncompleteBody" || code === "EntityTooSmall" || text.includes("longer than")) {
    return "length_mismatch";
  }
  if (code === "BadDigest" || code === "XAmzContentChecksumMismatch") return "checksum_mismatch";
  if (code === "SignatureDoesNotMatch" || text.includes("signature")) {
    return mismatchOf(context, text) ?? "signature_mismatch";
  }
  if (code === "NoSuchKey" || code === "NoSuchBucket" || status === 404) return "not_found";
  if (code === "AccessDenied" || status === 403) return "access_denied";
  if (status === 503 || status === 500 || code === "SlowDown") return "unavailable";
  return "unknown";
}

/** A type or length that differs from what was signed explains a signature mismatch. */
function mismatchOf(context: StorageRequestContext, text: string): StorageFailure | undefined {
  const { signed, sent } = context;
  if (signed && sent) {
    if (signed.size !== undefined && sent.size !== undefined && signed.size !== sent.size) {
      return "length_mismatch";
    }
    if (signed.contentType && sent.contentType && !sameType(signed.contentType, sent.contentType)) {
      return "type_mismatch";
    }
  }
  if (text.includes("content-length")) return "length_mismatch";
  if (text.includes("content-type")) return "type_mismatch";
  return undefined;
}

function explain(
  failure: StorageFailure,
  context: StorageRequestContext,
  storageMessage: string | undefined,
): string {
  const { signed, sent } = context;
  const isUpload = context.method === "PUT";
  switch (failure) {
    case "expired":
      return isUpload
        ? "The upload link expired before the file was sent. Start the upload again; if it " +
            "happens straight away, check that this device's clock is right."
        : "The download link has expired. Ask for the file again to get a fresh link.";
    case "type_mismatch":
      return (
        `Storage refused the file: it was sent as ${sent?.contentType ?? "another type"} but the ` +
        `upload was approved for ${signed?.contentType ?? "a different type"}. Upload it again ` +
        "without changing its type."
      );
    case "length_mismatch":
      return (
        `Storage refused the file: ${describeSize(sent?.size)} arrived but the upload was ` +
        `approved for ${describeSize(signed?.size)}. The file may have changed while it was ` +
        "being sent; upload it again."
      );
    case "checksum_mismatch":
      return (
        "Storage refused the file: its bytes do not match the SHA-256 the upload was approved " +
        "for. The file may have changed after its checksum was taken; upload it again."
      );
    case "signature_mismatch":
      return (
        "Storage refused the request because it no longer matches what the server signed " +
        "(a header or the link was changed on the way). Start the upload again; if it keeps " +
        "happening, a proxy or browser extension may be altering requests."
      );
    case "too_large":
      return (
        `The file is too large for storage to accept (${describeSize(sent?.size)}). ` +
        "Choose a smaller file."
      );
    case "access_denied":
      return (
        "Storage refused access" +
        (storageMessage ? `: ${storageMessage}` : ".") +
        " Ask for a new link and try again."
      );
    case "not_found":
      return "Storage has no such file: it may have been deleted.";
    case "unavailable":
      return "Storage is unavailable at the moment. Try again in a little while.";
    case "unknown":
      return `Storage refused the request${storageMessage ? `: ${storageMessage}` : "."}`;
  }
}

function sameType(a: string, b: string): boolean {
  const base = (type: string) => type.split(";")[0]?.trim().toLowerCase();
  return base(a) === base(b);
}

function describeSize(bytes: number | undefined): string {
  if (bytes === undefined) return "a different size";
  return `${bytes.toLocaleString("en")} bytes`;
}

function elementText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1].trim());
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
