import { fileURLToPath } from "node:url";

/** Where the generated document is committed. */
export const OPENAPI_PATH = fileURLToPath(new URL("../openapi.json", import.meta.url));

/** The file's exact text, so that the staleness test compares bytes, not just values. */
export function serialize(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
