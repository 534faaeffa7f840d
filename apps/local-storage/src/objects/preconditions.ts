/** What a conditional GET or HEAD comes to: go ahead, 304 Not Modified, or 412. */
export type Precondition = "proceed" | "not-modified" | "failed";

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in RFC 9110's
 * order, as S3 does for reads. Dates compare at whole seconds, the precision of Last-Modified.
 */
export function evaluatePreconditions(headers: Headers, object: R2Object): Precondition {
  const modified = Math.floor(object.uploaded.getTime() / 1000) * 1000;

  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (!etagListMatches(ifMatch, object.etag)) return "failed";
  } else {
    const since = dateOf(headers.get("if-unmodified-since"));
    if (since !== undefined && modified > since) return "failed";
  }

  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    if (etagListMatches(ifNoneMatch, object.etag)) return "not-modified";
  } else {
    const since = dateOf(headers.get("if-modified-since"));
    if (since !== undefined && modified <= since) return "not-modified";
  }
  return "proceed";
}

function etagListMatches(list: string, etag: string): boolean {
  return list.split(",").some((item) => {
    const tag = item.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
    return tag === "*" || tag === etag;
  });
}

function dateOf(header: string | null): number | undefined {
  if (header === null) return undefined;
  const millis = Date.parse(header);
  return Number.isNaN(millis) ? undefined : millis;
}
