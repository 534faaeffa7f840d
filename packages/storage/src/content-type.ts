/**
 * Types a browser would run or render as a page if it ever displayed them inline: markup,
 * scripts, XML (which can carry script) and anything that is not a plain `type/subtype`.
 */
const ACTIVE_CONTENT = /html|xml|javascript|ecmascript|svg|xhtml/i;
const PLAIN_MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * The content type a download is served with: the stored type when it is passive, else
 * `application/octet-stream`. Downloads are attachments anyway; this is the second lock.
 *
 * @example
 * downloadContentType("image/png")      // "image/png"
 * downloadContentType("image/svg+xml")  // "application/octet-stream"
 */
export function downloadContentType(stored: string): string {
  const type = stored.trim().toLowerCase();
  if (!PLAIN_MEDIA_TYPE.test(type) || ACTIVE_CONTENT.test(type)) return "application/octet-stream";
  return type;
}
