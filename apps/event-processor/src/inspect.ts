import { ProcessingError } from "./errors";
import { SNIFF_BYTES, sniff, type Verdict } from "./sniff";

export type Inspection = { present: false } | ({ present: true; etag: string } & Verdict);

/**
 * Checks what arrived at `key` against the intent: its stored size, then its type from the
 * first SNIFF_BYTES only (a ranged read; the rest of the object is never read). The ranged
 * read is pinned to the etag HEAD saw, so size and type are judged on the same bytes.
 */
export async function inspectObject(
  bucket: R2Bucket,
  key: string,
  intent: { size: number; contentType: string },
): Promise<Inspection> {
  const head = await bucket.head(key);
  if (!head) return { present: false };

  if (head.size !== intent.size) {
    return {
      present: true,
      etag: head.etag,
      accepted: false,
      code: "size_mismatch",
      detail: `${head.size} bytes arrived, ${intent.size} were declared`,
    };
  }

  const bytes = await readHead(bucket, key, head);
  if (!bytes) return { present: false };
  const verdict = await sniff(bytes, intent.contentType, bytes.byteLength >= head.size);
  return { present: true, etag: head.etag, ...verdict };
}

async function readHead(
  bucket: R2Bucket,
  key: string,
  head: R2Object,
): Promise<Uint8Array | undefined> {
  const length = Math.min(SNIFF_BYTES, head.size);
  if (length === 0) return new Uint8Array(0);

  const part = await bucket.get(key, {
    range: { offset: 0, length },
    onlyIf: { etagMatches: head.etag },
  });
  if (!part) return undefined;
  if (!("body" in part)) {
    // Overwritten between HEAD and GET: judge it again on a later attempt.
    throw new ProcessingError(
      "object_changed",
      "system",
      "the object changed while it was checked",
    );
  }
  return new Uint8Array(await part.arrayBuffer());
}
