/**
 * Types a browser would run or render as a page if it ever displayed them inline: markup,
 * scripts, XML (which can carry script) and anything that is not a plain `type/subtype`.
 */
const ACTIVE_CONTENT = /html|xml|javascript|ecmascript|svg|xhtml/i;
const PLAIN_MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const UTF8_CHARSET = /^charset\s*=\s*"?utf-8"?$/i;

/**
 * The content type a download is served with: the stored type's media type when it is
 * passive, else `application/octet-stream`. Parameters are dropped, except a UTF-8 charset on
 * text, which a browser needs to decode generated text right. Downloads are attachments
 * anyway; this is the second lock.
 *
 * @example
 * downloadContentType("image/png")                  // "image/png"
 * downloadContentType("text/plain; charset=UTF-8")  // "text/plain; charset=utf-8"
 * downloadContentType("image/svg+xml")              // "application/octet-stream"
 */
export function downloadContentType(stored: string): string {
  // A header-breaking character anywhere means the stored value was never a real type.
  if (/[\r\n\0]/.test(stored)) return "application/octet-stream";
  const [essence = "", ...parameters] = stored.split(";").map((part) => part.trim());
  const type = essence.toLowerCase();
  if (!PLAIN_MEDIA_TYPE.test(type) || ACTIVE_CONTENT.test(type)) return "application/octet-stream";

  const utf8 = parameters.some((parameter) => UTF8_CHARSET.test(parameter));
  return type.startsWith("text/") && utf8 ? `${type}; charset=utf-8` : type;
}
