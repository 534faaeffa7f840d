import { HttpError } from "@trove/http";

// Ids are server-made; anything else cannot name a row, so it is simply not found.
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The `:id` path parameter when it could be an id; else the same 404 as a missing row. */
export function idParam(raw: string | undefined, what: string): string {
  if (raw && ID.test(raw)) return raw;
  throw notFound(what);
}

/** Another user's row and a missing one look the same from outside. */
export function notFound(what: string): HttpError {
  return new HttpError(404, "not_found", `No such ${what}.`);
}

/** A 405 answer for a known path asked with a method it does not serve. */
export function methodNotAllowed(allow: string) {
  return () => {
    throw new HttpError(405, "method_not_allowed", `This resource only answers ${allow}.`, {
      headers: { allow },
    });
  };
}
