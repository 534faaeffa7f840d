import * as v from "valibot";

const KEY = "trove.session";

const SessionSchema = v.object({
  userId: v.string(),
  token: v.string(),
  expiresAt: v.pipe(v.string(), v.isoTimestamp()),
});

export type Session = v.InferOutput<typeof SessionSchema>;

/** The session kept for this tab only; an expired one is dropped. */
export function loadSession(): Session | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
  } catch {
    return undefined;
  }
  const result = v.safeParse(SessionSchema, stored);
  if (!result.success || Date.parse(result.output.expiresAt) <= Date.now()) return undefined;
  return result.output;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** Asks the local web Worker for a development token (only served when DEV_TOKENS is on). */
export async function signInAsDeveloper(userId: string): Promise<Session> {
  let response: Response;
  try {
    response = await fetch("/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
  } catch {
    throw new Error("Could not reach the server to sign in.");
  }
  if (response.status === 404) {
    throw new Error("Development sign-in is off on this server (DEV_TOKENS is not \"on\").");
  }
  const body: unknown = await response.json().catch(() => undefined);
  const result = v.safeParse(SessionSchema, body);
  if (!response.ok || !result.success) {
    const detail = (body as { detail?: unknown } | undefined)?.detail;
    throw new Error(typeof detail === "string" ? detail : `Sign-in failed (${response.status}).`);
  }
  return result.output;
}
