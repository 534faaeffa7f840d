import { PROBLEM_CONTENT_TYPE, type Problem } from "@trove/contracts";
import { HttpError } from "./errors";

const TYPE_BASE = "https://trove.dev/problems/";

/** Renders an error as an RFC 9457 problem response. Unknown errors become a bare 500. */
export function problemResponse(error: unknown, requestId: string): Response {
  const httpError =
    error instanceof HttpError
      ? error
      : new HttpError(500, "internal_error", "Something went wrong on our side.");

  const body: Problem = {
    type: TYPE_BASE + httpError.code,
    title: httpError.title,
    status: httpError.status,
    detail: httpError.message,
    code: httpError.code,
    requestId,
  };
  if (httpError.errors) body.errors = httpError.errors;

  return new Response(JSON.stringify(body), {
    status: httpError.status,
    headers: {
      "content-type": PROBLEM_CONTENT_TYPE,
      "x-request-id": requestId,
      ...httpError.headers,
    },
  });
}
