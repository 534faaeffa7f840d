/** Every scope a Trove token can carry. A development token carries all of them. */
export const SCOPES = [
  "uploads:write",
  "uploads:read",
  "files:read",
  "files:write",
  "generations:write",
  "generations:read",
] as const;

export type Scope = (typeof SCOPES)[number];
