/**
 * Passes an API request to the Worker behind a service binding as it came (method, headers
 * including Authorization, body as a stream) plus the request id, as a zone route would in
 * production. The answer comes back untouched.
 */
export function forward(request: Request, target: Fetcher, requestId: string): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  return target.fetch(new Request(request, { headers }));
}

/** Which API Worker serves a path under /v1/. */
export function targetFor(pathname: string, env: Env): Fetcher {
  return pathname === "/v1/generations" || pathname.startsWith("/v1/generations/")
    ? env.GENERATOR
    : env.UPLOADS;
}
