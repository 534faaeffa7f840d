import * as v from "valibot";
import { issueDevToken, type AuthConfig } from "@trove/auth";
import { readJson } from "@trove/http";

const DevTokenRequestSchema = v.strictObject({
  userId: v.pipe(
    v.string("userId must be a string."),
    v.regex(/^[A-Za-z0-9_-]{1,64}$/, "userId must be 1 to 64 of A-Z a-z 0-9 _ -."),
  ),
});

const LIFETIME_SECONDS = 12 * 60 * 60;

/**
 * Signs a development token for the user id in the body. Only routed when DEV_TOKENS is "on"
 * (local development): anyone who can reach it can act as any user.
 */
export async function devToken(request: Request, config: AuthConfig): Promise<Response> {
  const { userId } = await readJson(request, DevTokenRequestSchema);
  const token = await issueDevToken(userId, config, { expiresIn: `${LIFETIME_SECONDS}s` });
  const expiresAt = new Date(Date.now() + LIFETIME_SECONDS * 1000).toISOString();
  return Response.json(
    { userId, token, expiresAt },
    { status: 201, headers: { "cache-control": "no-store" } },
  );
}
