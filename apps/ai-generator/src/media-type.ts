/** The media type without parameters, lower-cased: `text/plain; charset=utf-8` → `text/plain`. */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}
