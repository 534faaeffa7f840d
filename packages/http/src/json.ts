/**
 * A JSON answer that no browser or shared cache keeps (`cache-control: no-store`): API bodies
 * carry signed URLs and private metadata. `headers` are added, and may set another
 * `cache-control` for an answer that is safe to keep.
 *
 * @example
 * return jsonResponse({ url, expiresAt }, 201);
 */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}
