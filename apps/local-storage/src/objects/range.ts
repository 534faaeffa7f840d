/** A byte range of an object, as R2's get takes it. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * Reads a `Range` header against an object's size. One range only, as S3 serves: a header
 * that is absent, malformed or lists several ranges means the whole object (undefined);
 * a well-formed range that starts past the end is "unsatisfiable" (416).
 */
export function readRange(header: string | null, size: number): ByteRange | "unsatisfiable" | undefined {
  if (header === null) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;

  if (first === "") {
    if (last === "") return undefined;
    // A suffix range: the last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }

  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}
