import type { ReceivedRequest } from "../../src/sigv4/claim";
import { parseRawQuery } from "../../src/sigv4/canonical-uri";

/** A request as the vector files write it: `METHOD target HTTP/1.1`, headers, blank line, body. */
export interface RawRequest {
  method: string;
  path: string;
  rawQuery: string;
  /** Header lines in file order, names as written; folded lines joined with a newline. */
  headers: [string, string][];
  body: string;
}

export function parseRawRequest(text: string): RawRequest {
  const blank = text.indexOf("\n\n");
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? "" : text.slice(blank + 2);
  const [requestLine = "", ...lines] = head.split("\n");

  const firstSpace = requestLine.indexOf(" ");
  const target = requestLine.slice(firstSpace + 1, requestLine.lastIndexOf(" HTTP/"));
  const question = target.indexOf("?");

  const headers: [string, string][] = [];
  for (const line of lines) {
    const last = headers.at(-1);
    if (/^\s/.test(line) && last) {
      last[1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }

  return {
    method: requestLine.slice(0, firstSpace),
    path: question < 0 ? target : target.slice(0, question),
    rawQuery: question < 0 ? "" : target.slice(question + 1),
    headers,
    body,
  };
}

/** Header lines folded into one value per lower-case name, repeats joined by commas as SigV4 does. */
export function headerRecord(raw: RawRequest): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of raw.headers) {
    const key = name.toLowerCase();
    record[key] = key in record ? `${record[key]},${value.trim()}` : value.trim();
  }
  return record;
}

export function receivedFrom(raw: RawRequest): ReceivedRequest {
  return { method: raw.method, path: raw.path, query: parseRawQuery(raw.rawQuery), headers: headerRecord(raw) };
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Changes exactly one character of a string: its last letter or digit, else appends one. */
export function flipOne(text: string): string {
  for (let at = text.length - 1; at >= 0; at--) {
    const char = text[at]!;
    if (/[A-Za-z0-9]/.test(char)) {
      const replacement = char === "a" ? "b" : char === "A" ? "B" : char === "0" ? "1" : /[0-9]/.test(char) ? "0" : /[a-z]/.test(char) ? "a" : "A";
      return text.slice(0, at) + replacement + text.slice(at + 1);
    }
  }
  return `${text}a`;
}
