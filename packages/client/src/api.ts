import * as v from "valibot";
import { PROBLEM_CONTENT_TYPE, ProblemSchema, type Problem } from "@trove/contracts";
import { CancelledError, NetworkError, TroveApiError, UnexpectedResponseError } from "./errors";

/** How the client reaches the API: where, as whom, with which fetch. */
export interface ApiTransport {
  baseUrl: string;
  getToken: () => string | Promise<string>;
  fetch: typeof fetch;
}

export interface ApiCall {
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/**
 * Calls the API and validates a 2xx body against the contract's schema. Any error answer
 * becomes a TroveApiError carrying its problem document.
 */
export async function callApi<TSchema extends v.GenericSchema>(
  transport: ApiTransport,
  call: ApiCall,
  schema: TSchema,
): Promise<v.InferOutput<TSchema>> {
  const response = await send(transport, call);
  const body = await readJson(response, call.signal);
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  throw new UnexpectedResponseError(
    `${call.method} ${call.path} answered ${response.status} with a body that does not match ` +
      "the API contract; the client and server versions may differ.",
    response.status,
    result.issues.map((issue) => `${v.getDotPath(issue) ?? "(body)"}: ${issue.message}`),
  );
}

/** Calls the API where success has no body (204). */
export async function callApiNoContent(transport: ApiTransport, call: ApiCall): Promise<void> {
  const response = await send(transport, call);
  await response.body?.cancel().catch(() => undefined);
}

async function send(transport: ApiTransport, call: ApiCall): Promise<Response> {
  const url = transport.baseUrl.replace(/\/+$/, "") + call.path;
  const headers = new Headers(call.headers);
  headers.set("authorization", `Bearer ${await transport.getToken()}`);
  headers.set("accept", `application/json, ${PROBLEM_CONTENT_TYPE}`);
  const init: RequestInit = { method: call.method, headers };
  if (call.body !== undefined) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(call.body);
  }
  if (call.signal) init.signal = call.signal;

  let response: Response;
  try {
    response = await transport.fetch(url, init);
  } catch (error) {
    if (call.signal?.aborted) throw new CancelledError();
    throw new NetworkError(
      `Could not reach the Trove API at ${originOf(url)}: the server is down or unreachable, ` +
        "or the network is offline.",
      url,
      error,
    );
  }
  if (!response.ok) throw await apiErrorFrom(response);
  return response;
}

/** Builds the error for a non-2xx answer; a body that is not a problem document is described. */
async function apiErrorFrom(response: Response): Promise<TroveApiError> {
  const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
  const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
  const text = await response.text().catch(() => "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = v.safeParse(ProblemSchema, parsed);
  if (result.success) return new TroveApiError(result.output, retryAfterSeconds);

  const problem: Problem = {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: `The server answered ${response.status} without a problem document.`,
    code: "unexpected_response",
  };
  const requestId = response.headers.get("x-request-id");
  if (requestId) problem.requestId = requestId;
  return new TroveApiError(problem, retryAfterSeconds);
}

async function readJson(response: Response, signal: AbortSignal | undefined): Promise<unknown> {
  // An abort after the headers arrived errors the body with a DOMException; callers get ours.
  const text = await response.text().catch((error: unknown) => {
    if (signal?.aborted) throw new CancelledError();
    throw error;
  });
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
