import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { issueDevToken, readAuthConfig } from "@trove/auth";
import { ProblemSchema, type Problem } from "@trove/contracts";
import * as v from "valibot";
import { expect } from "vitest";
import worker from "../src/index";

export const ORIGIN = "http://127.0.0.1:8787";

/** A user id no other test uses, so tests never share rows or rate limits. */
export function newUser(): string {
  return `web-${crypto.randomUUID().slice(0, 13)}`;
}

/** A token the API Workers accept (they share AUTH_SECRET with this Worker in the tests). */
export function tokenFor(userId: string): Promise<string> {
  return issueDevToken(userId, readAuthConfig(env as unknown as Record<string, unknown>));
}

/** The test env with some settings changed, as a deployment would configure them. */
export function envWith(overrides: Record<string, unknown>): Env {
  return { ...env, ...overrides } as Env;
}

/** What a test sends: a browser's request without the cf properties. */
export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends a request to the web Worker's fetch handler with the given env (real bindings by default). */
export async function send(path: string, init: SendInit = {}, options: { env?: Env } = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request<unknown, IncomingRequestCfProperties>(ORIGIN + path, init);
  const response = await worker.fetch(request, options.env ?? env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function readProblem(response: Response): Promise<Problem> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return v.parse(ProblemSchema, await response.json());
}
