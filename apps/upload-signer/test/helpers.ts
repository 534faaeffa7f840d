import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import * as v from "valibot";
import { ProblemSchema, type Problem } from "@trove/contracts";

export const ORIGIN = "https://uploads.test";

/** A user id no other test uses, so tests never see each other's rows or rate limits. */
export function newUser(): string {
  return `user-${crypto.randomUUID().slice(0, 13)}`;
}

export interface TokenOptions {
  scopes?: string[];
  secret?: string;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
}

/** A token signed as @trove/auth expects, with each claim overridable to forge bad ones. */
export async function tokenFor(userId: string, options: TokenOptions = {}): Promise<string> {
  const scopes = options.scopes ?? ["uploads:write", "uploads:read", "files:read", "files:write"];
  return new SignJWT({ scope: scopes.join(" ") })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(options.issuer ?? env.AUTH_ISSUER)
    .setAudience(options.audience ?? env.AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(options.secret ?? env.AUTH_SECRET));
}

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(userId: string): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({
    sub: userId,
    iss: env.AUTH_ISSUER,
    aud: env.AUTH_AUDIENCE,
    iat: now,
    exp: now + 600,
    scope: "uploads:write uploads:read files:read files:write",
  })}.`;
}

/** Calls the Worker under test through its default export, as a client would. */
export function call(
  method: string,
  path: string,
  options: {
    token?: string;
    json?: unknown;
    body?: string;
    headers?: Record<string, string> | undefined;
  } = {},
): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body: string | null = options.body ?? null;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return exports.default.fetch(new Request(ORIGIN + path, { method, headers, body }));
}

/** The problem document of an error answer, checked against the shared contract. */
export async function problemOf(response: Response): Promise<Problem> {
  expectProblemType(response);
  return v.parse(ProblemSchema, await response.json());
}

function expectProblemType(response: Response): void {
  const type = response.headers.get("content-type");
  if (type !== "application/problem+json") {
    throw new Error(`expected a problem document, got ${response.status} ${type}`);
  }
}

/** The user's rows as stored: every file row and the usage row. */
export async function rowsOf(userId: string) {
  const files = await env.DB.prepare("SELECT * FROM files WHERE owner_id = ? ORDER BY created_at")
    .bind(userId)
    .all<Record<string, unknown>>();
  const usage = await env.DB.prepare("SELECT used_bytes, reserved_bytes FROM usage WHERE user_id = ?")
    .bind(userId)
    .first<{ used_bytes: number; reserved_bytes: number }>();
  return { files: files.results, usage };
}

export interface SeedFile {
  id?: string;
  filename?: string;
  contentType?: string;
  detectedType?: string | null;
  size?: number;
  status?: string;
  origin?: string;
  caption?: string | null;
  createdAt?: number;
}

/** Inserts a file row directly, as the processor or generator would have left it. */
export async function seedFile(userId: string, seed: SeedFile = {}) {
  const id = seed.id ?? crypto.randomUUID();
  const row = {
    id,
    key: `u/${userId}/${id}`,
    filename: seed.filename ?? "photo.png",
    contentType: seed.contentType ?? "image/png",
    detectedType: seed.detectedType ?? null,
    size: seed.size ?? 100,
    status: seed.status ?? "ready",
    origin: seed.origin ?? "upload",
    caption: seed.caption ?? null,
    createdAt: seed.createdAt ?? Date.now(),
  };
  await env.DB.prepare(
    `INSERT INTO files (id, owner_id, key, origin, filename, content_type, detected_type, size,
       status, caption, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(row.id, userId, row.key, row.origin, row.filename, row.contentType, row.detectedType,
      row.size, row.status, row.caption, row.createdAt, row.createdAt)
    .run();
  return row;
}

/** Sets a user's usage row outright. */
export async function seedUsage(userId: string, usedBytes: number, reservedBytes = 0) {
  await env.DB.prepare(
    `INSERT INTO usage (user_id, used_bytes, reserved_bytes) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET used_bytes = excluded.used_bytes,
       reserved_bytes = excluded.reserved_bytes`,
  )
    .bind(userId, usedBytes, reservedBytes)
    .run();
}
