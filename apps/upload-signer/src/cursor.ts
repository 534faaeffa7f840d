import * as v from "valibot";
import type { FilePosition } from "@trove/db";
import { HttpError } from "@trove/http";

const PositionSchema = v.tuple([
  v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
]);

/**
 * Cursors are opaque to clients: base64url of the last row's position. They only ever narrow
 * a query already limited to the caller's own files, so they need no signature.
 */
export function encodeCursor(position: FilePosition): string {
  const json = JSON.stringify([position.createdAt, position.id]);
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The position a cursor names, or a 400 `invalid_cursor` problem for anything else. */
export function decodeCursor(cursor: string): FilePosition {
  try {
    const json = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const [createdAt, id] = v.parse(PositionSchema, JSON.parse(json));
    return { createdAt, id };
  } catch {
    throw new HttpError(400, "invalid_cursor", "The cursor is not one this API gave out.", {
      errors: [{ path: "cursor", message: "Pass back nextCursor unchanged." }],
    });
  }
}
