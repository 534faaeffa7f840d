/**
 * A `Content-Disposition` that always downloads: `attachment` with an ASCII fallback name and
 * the exact name in RFC 8187 form (`filename*=UTF-8''…`), which every current browser prefers.
 * Quotes, backslashes, control and non-ASCII characters never reach the quoted fallback.
 *
 * @example
 * attachmentDisposition("résumé \"final\".pdf")
 * // attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_") || "download";
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}

/** Percent-encodes UTF-8 so only RFC 8187 attr-chars remain. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
