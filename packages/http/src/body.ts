import * as v from "valibot";
import type { FieldIssue } from "@trove/contracts";
import { HttpError } from "./errors";
import { readBytesUpTo } from "./stream";

/** Largest JSON body any Trove route accepts; intents and prompts are small. */
export const MAX_JSON_BYTES = 64 * 1024;

/** Turns valibot issues into the `errors` list of a problem document. */
export function toFieldIssues(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  return issues.map((issue) => ({
    path: v.getDotPath(issue) ?? "",
    message: issue.message,
  }));
}

/** Validates a value against a schema or throws a 400 problem listing the offending fields. */
export function parseInput<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  what = "request",
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new HttpError(400, "invalid_request", `The ${what} is not valid.`, {
    errors: toFieldIssues(result.issues),
  });
}

/**
 * Reads a JSON body of at most MAX_JSON_BYTES and validates it. A missing, oversized or
 * malformed body is a 4xx problem, never an exception that escapes the router.
 */
export async function readJson<TSchema extends v.GenericSchema>(
  request: Request,
  schema: TSchema,
): Promise<v.InferOutput<TSchema>> {
  const type = request.headers.get("content-type") ?? "";
  // application/json or a +json type, with parameters or none; not application/json-seq.
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpError(415, "unsupported_content_type", "Send the body as application/json.");
  }

  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES) throw bodyTooLarge();

  const text = await readLimitedText(request);
  if (text.trim() === "") {
    throw new HttpError(400, "invalid_request", "The request body is empty.");
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, "malformed_json", "The request body is not valid JSON.");
  }
  refusePrototypeKeys(json);
  return parseInput(schema, json, "request body");
}

const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"];

/**
 * Refuses a body holding `__proto__`, `constructor` or `prototype` as a key, at any depth.
 * No Trove field has those names, and valibot's object schemas skip them rather than report
 * them as unknown, so they would otherwise pass silently into whatever handles the input.
 * The walk keeps its own stack: a 64 KiB body can nest tens of thousands of levels deep.
 */
function refusePrototypeKeys(json: unknown): void {
  const errors: FieldIssue[] = [];
  const pending: { value: unknown; path: string }[] = [{ value: json, path: "" }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== "object" || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.includes(key)) {
        errors.push({ path: childPath, message: "This field name is not accepted." });
      } else {
        pending.push({ value: child, path: childPath });
      }
    }
  }
  if (errors.length > 0) {
    throw new HttpError(400, "invalid_request", "The request body is not valid.", { errors });
  }
}

async function readLimitedText(request: Request): Promise<string> {
  if (!request.body) return "";
  const bytes = await readBytesUpTo(request.body, MAX_JSON_BYTES);
  if (!bytes) throw bodyTooLarge();
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, "malformed_json", "The request body is not valid UTF-8.");
  }
}

function bodyTooLarge(): HttpError {
  return new HttpError(413, "body_too_large", `The request body is over ${MAX_JSON_BYTES} bytes.`);
}
