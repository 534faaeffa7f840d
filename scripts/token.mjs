#!/usr/bin/env node
// Prints a development token for a user: `pnpm --silent token <user-id> [scope ...]`.
// Signed with AUTH_SECRET from .dev.vars (or .dev.vars.example) and the issuer and audience
// the upload-signer's wrangler config declares, so every local Worker accepts it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import { unstable_readConfig } from "wrangler";

const root = path.resolve(import.meta.dirname, "..");
const ALL_SCOPES = [
  "uploads:write",
  "uploads:read",
  "files:read",
  "files:write",
  "generations:write",
  "generations:read",
];

const [userId, ...scopes] = process.argv.slice(2);
if (!userId || !/^[A-Za-z0-9_-]{1,64}$/.test(userId)) {
  console.error("usage: pnpm --silent token <user-id> [scope ...]");
  console.error("  user-id: 1 to 64 of A-Z a-z 0-9 _ -");
  process.exit(2);
}
const unknown = scopes.filter((scope) => !ALL_SCOPES.includes(scope));
if (unknown.length > 0) {
  console.error(`token: unknown scope ${unknown.join(", ")}; known: ${ALL_SCOPES.join(" ")}`);
  process.exit(2);
}

const secret = readSecret();
const config = unstable_readConfig({ config: path.join(root, "apps/upload-signer/wrangler.jsonc") });
const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = config.vars;

const token = await new SignJWT({ scope: (scopes.length ? scopes : ALL_SCOPES).join(" ") })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject(userId)
  .setIssuer(String(issuer))
  .setAudience(String(audience))
  .setIssuedAt()
  .setExpirationTime("12h")
  .sign(new TextEncoder().encode(secret));

console.log(token);

function readSecret() {
  const file = [".dev.vars", ".dev.vars.example"]
    .map((name) => path.join(root, name))
    .find((candidate) => existsSync(candidate));
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("AUTH_SECRET="));
  if (!line) {
    console.error(`token: no AUTH_SECRET in ${path.basename(file)}`);
    process.exit(1);
  }
  return line.slice("AUTH_SECRET=".length).trim();
}
