import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { issueDevToken, readAuthConfig, type Scope } from "@trove/auth";
import { ProblemSchema, type Problem } from "@trove/contracts";
import { createDb, files, generations, getUsage } from "@trove/db";
import { eq } from "drizzle-orm";
import * as v from "valibot";
import { expect } from "vitest";
import worker from "../src/index";

export const ORIGIN = "https://generator.test";

/** A user id no other test uses, so tests never share rows, objects or rate limits. */
export function newUser(): string {
  return `user-${crypto.randomUUID().slice(0, 13)}`;
}

/** A marker to put in a prompt, to find (or not) the model calls it caused. */
export function newMarker(): string {
  return `marker-${crypto.randomUUID()}`;
}

export function tokenFor(userId: string, scopes?: Scope[]): Promise<string> {
  return issueDevToken(userId, readAuthConfig(env as unknown as Record<string, unknown>), scopes ? { scopes } : {});
}

/** The test env with some settings changed, as a deployment would configure them. */
export function envWith(overrides: Record<string, unknown>): Env {
  return { ...env, ...overrides } as Env;
}

/** Settings for the OpenAI-compatible provider pointed at the local stand-in server. */
export function openaiEnv(overrides: Record<string, unknown> = {}): Env {
  return envWith({
    AI_PROVIDER: "openai",
    OPENAI_BASE_URL: env.TEST_OPENAI_URL,
    OPENAI_API_KEY: "sk-test-key",
    AI_TEXT_MODELS: "stub-chat,stub-error-500,stub-error-401,stub-error-429,stub-slow,stub-empty,stub-no-choices,stub-not-json,stub-huge,stub-flood",
    AI_IMAGE_MODELS: "stub-image,stub-image-text,stub-image-svg,stub-image-bad-b64,stub-image-url,stub-error-500",
    AI_JSON_MODELS: "stub-json,stub-json-array,stub-chat,stub-error-500",
    AI_CAPTION_MODELS: "stub-chat",
    AI_TIMEOUT_MS: "500",
    ...overrides,
  });
}

/** Sends a request to the Worker's fetch handler with the given env, as the web router would. */
export async function send(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string>; env?: Env } = {},
): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const ctx = createExecutionContext();
  const init: RequestInit<IncomingRequestCfProperties> = { method, headers };
  if (body !== undefined) init.body = body;
  const request = new Request<unknown, IncomingRequestCfProperties>(ORIGIN + path, init);
  const response = await worker.fetch(request, options.env ?? env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** POST /v1/generations for a user, with a fresh token unless one is given. */
export async function requestGeneration(
  userId: string,
  json: unknown,
  options: { env?: Env; headers?: Record<string, string>; token?: string } = {},
): Promise<Response> {
  return send("POST", "/v1/generations", {
    token: options.token ?? (await tokenFor(userId)),
    json,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
}

export async function readProblem(response: Response): Promise<Problem> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return v.parse(ProblemSchema, await response.json());
}

/** What the user holds: objects under their generation prefix, rows, and charged bytes. */
export async function holdingsOf(userId: string) {
  const db = createDb(env.DB);
  const listed = await env.BUCKET.list({ prefix: `g/${userId}/` });
  const fileRows = await db.select().from(files).where(eq(files.ownerId, userId)).all();
  const generationRows = await db.select().from(generations).where(eq(generations.ownerId, userId)).all();
  return {
    objects: listed.objects.map((object) => object.key),
    files: fileRows,
    generations: generationRows,
    usage: await getUsage(db, userId),
  };
}

export interface StubCall {
  path: string;
  authorization: string | null;
  body: string;
}

/** Requests the stand-in OpenAI server received whose body contains the marker. */
export async function stubCalls(marker: string): Promise<StubCall[]> {
  const base = env.TEST_OPENAI_URL.replace(/\/v1$/, "");
  const answer = await fetch(`${base}/__calls?marker=${encodeURIComponent(marker)}`);
  const { calls } = (await answer.json()) as { calls: StubCall[] };
  return calls;
}

/** Nothing of the user's is left: no object, no row, no bytes charged. */
export async function expectNothingStored(userId: string): Promise<void> {
  const holdings = await holdingsOf(userId);
  expect(holdings.objects).toEqual([]);
  expect(holdings.files).toEqual([]);
  expect(holdings.generations).toEqual([]);
  expect(holdings.usage.usedBytes).toBe(0);
}
