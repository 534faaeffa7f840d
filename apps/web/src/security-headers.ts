/**
 * Headers for the page. The CSP lets the page talk to its own origin (the API) and to storage
 * (uploads, generated text) and show images only from those two: user content is never
 * served from the page's origin, and no inline script runs.
 */
export function withPageHeaders(response: Response, storageOrigin: string): Response {
  const headers = new Headers(response.headers);
  headers.set(
    "content-security-policy",
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' ${storageOrigin}`,
      `connect-src 'self' ${storageOrigin}`,
      "manifest-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  headers.set("x-content-type-options", "nosniff");
  // Signed URLs go to storage in img src; no referrer keeps the page's address out of its logs.
  headers.set("referrer-policy", "no-referrer");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
